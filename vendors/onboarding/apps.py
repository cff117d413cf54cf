from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "vendors.onboarding"
    label = "onboarding"
    verbose_name = "Gian hàng (nhà bán)"
