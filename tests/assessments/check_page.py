"""Reading the check-and-sign page and the task list as a tree of elements: the cards, the
blockers and each section's state, as a person would read them."""

from html.parser import HTMLParser

from django.urls import reverse

from assessments.sections import SECTIONS

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and all(
                (value is True and key in node.attrs)
                or (value is not True and value in (node.attrs.get(key) or "").split())
                for key, value in ((k.rstrip("_").replace("_", "-"), v) for k, v in attrs.items())
            )
        ]

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


class Tree(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.root = self.current = Node("root", {})
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def page_of(response) -> Node:
    assert response.status_code == 200, response.status_code
    return Tree(response.content.decode()).root


def ids_on(client, url) -> set[str]:
    return {node.attrs["id"] for node in page_of(client.get(url)).iter() if "id" in node.attrs}


def cards(page) -> dict[str, dict[str, dict]]:
    """Section key -> question -> {answer, change link, hidden words of the link}."""
    found = {}
    for card in page.find_all("div", data_check_section=True):
        rows = {}
        for row in card.find_all("div", class_="govuk-summary-list__row"):
            link = row.find("a")
            hidden = link.find("span", class_="govuk-visually-hidden")
            rows[row.find("dt").text()] = {
                "answer": row.find("dd", class_="govuk-summary-list__value").text(),
                "href": link.attrs["href"],
                "link_text": link.text(),
                "hidden": hidden.text(),
            }
        found[card.attrs["data-check-section"]] = rows
    return found


def problems(page) -> list[tuple[str, str]]:
    listed = page.find("ul", data_sign_problems=True)
    return [(a.text(), a.attrs["href"]) for a in listed.find_all("a")] if listed else []


def task_states(page) -> dict[str, str]:
    return {
        section.key: page.find(id=f"section-{section.key}-status").text() for section in SECTIONS
    }


def sign_url(assessment):
    return reverse("assessments:sign", args=[assessment.pk])


def section_url(assessment, key):
    return reverse("assessments:section", args=[assessment.pk, key])
