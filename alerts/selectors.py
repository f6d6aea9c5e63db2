"""Reads for the alerts pages."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from .models import Alert


def alerts_of(user: AbstractBaseUser) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(user=user)
        .select_related("complaint", "arrondissement")
        .prefetch_related("categories")
        .order_by("-created_at", "-id")
    )
