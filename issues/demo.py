"""Generated demonstration complaints, clearly marked as such (`is_demo`, a "[Démo]" title).

They go through `create_complaint` like real ones, at random points drawn inside the real
arrondissement boundaries by PostGIS.
"""

from __future__ import annotations

import random

from districts.models import Category
from districts.selectors import random_points_in_city

from .models import Complaint
from .services import create_complaint

DEMO_TITLE_PREFIX = "[Démo]"
DEMO_DESCRIPTION = (
    "Signalement de démonstration généré automatiquement — ce n'est pas un vrai signalement. "
    "بلاغ تجريبي تم إنشاؤه تلقائيا — ليس بلاغا حقيقيا."
)


def seed_demo_complaints(*, count: int, seed: int = 2026) -> list[Complaint]:
    """Creates `count` demo complaints unless demo complaints already exist (idempotent)."""
    if Complaint.objects.filter(is_demo=True).exists():
        return []
    categories = list(Category.objects.filter(is_active=True))
    rng = random.Random(seed)
    complaints = []
    for point in random_points_in_city(count, seed=seed):
        category = rng.choice(categories)
        complaints.append(
            create_complaint(
                category=category,
                location=point,
                title=f"{DEMO_TITLE_PREFIX} {category.name_fr}",
                description=DEMO_DESCRIPTION,
                is_demo=True,
            )
        )
    return complaints
