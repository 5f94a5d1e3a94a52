// Treatment requirements: a "Print" button on printable summaries and letters.
const button = document.getElementById("print-page");
if (button) {
  button.addEventListener("click", (event) => {
    event.preventDefault();
    window.print();
  });
}
