"""Onboarding's GraphQL API: the applicant's own vendor, officers' review and decisions."""
