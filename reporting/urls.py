from django.urls import path, register_converter

from . import return_views, views


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
    path("returns/", return_views.return_list, name="return_list"),
    path("returns/<int:pk>/", return_views.return_detail, name="return_detail"),
    path("returns/<int:pk>/progress.json", return_views.return_progress, name="return_progress"),
    path("returns/<int:pk>/download", return_views.return_download, name="return_download"),
]
