"""Django apps for the OCOP registry, vendor onboarding and listings."""
