from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "vendors.registry"
    label = "registry"
    verbose_name = "Sổ đăng ký OCOP"
