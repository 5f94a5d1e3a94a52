app_name = "treatment_requirements"

urlpatterns: list = []
