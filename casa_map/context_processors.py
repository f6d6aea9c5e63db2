"""Template context shared by every page."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject


def map_settings(request):
    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }


def staff_desk(request):
    """`works_at_desk`: the visitor is a staff member (asked only when a page shows the link;
    the membership is read once per request, by issues.policy)."""
    from issues import policy  # the settings import this module before the apps are ready

    user = getattr(request, "user", None)
    return {
        "works_at_desk": SimpleLazyObject(
            lambda: bool(
                user is not None and user.is_authenticated and policy.is_staff_member(user)
            )
        )
    }


def privacy_notice(request):
    """`privacy`: the facts of the law 09-08 notice (casa_map.privacy), read only by the pages
    that show it."""
    from casa_map import privacy  # the settings import this module before the apps are ready

    return {"privacy": SimpleLazyObject(privacy.notice)}
