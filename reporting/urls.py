from django.urls import path, register_converter

from . import views


class ExportFormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormatConverter, "export_format")

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("board-summary/", views.board_summary, name="board_summary"),
    path("export/all.xlsx", views.export_workbook, name="export_workbook"),
    path("export/<slug:key>.<export_format:fmt>", views.export_table, name="export_table"),
]
