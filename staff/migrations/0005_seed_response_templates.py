"""Three general ready-made replies, in French and Arabic, that every authority can use."""

from django.db import migrations

TEMPLATES = [
    (
        "Pris en charge",
        "Bonjour, votre signalement {reference} ({category}) est pris en charge par {authority}. "
        "Nous vous répondrons au plus tard le {answer_by}. Merci de votre signalement.",
        "مرحبا، بلاغكم {reference} ({category}) في عهدة {authority}. "
        "سنجيبكم في أجل أقصاه {answer_by}. شكرا على بلاغكم.",
    ),
    (
        "Travaux programmés",
        "Les travaux concernant votre signalement {reference} sont programmés par {authority}. "
        "Nous vous tiendrons informé(e) de leur avancement d'ici le {answer_by}.",
        "تمت برمجة الأشغال المتعلقة ببلاغكم {reference} من طرف {authority}. "
        "سنطلعكم على تقدمها قبل {answer_by}.",
    ),
    (
        "Réparé, merci",
        "Le problème signalé ({reference}, {category}) est réparé. "
        "Merci de votre aide pour améliorer Casablanca !",
        "تم إصلاح المشكل المبلغ عنه ({reference}، {category}). "
        "شكرا على مساهمتكم في تحسين الدار البيضاء!",
    ),
]


def seed(apps, schema_editor):
    ResponseTemplate = apps.get_model("staff", "ResponseTemplate")
    for title, text_fr, text_ar in TEMPLATES:
        ResponseTemplate.objects.get_or_create(
            title=title,
            category=None,
            authority=None,
            defaults={"text_fr": text_fr, "text_ar": text_ar},
        )


def unseed(apps, schema_editor):
    ResponseTemplate = apps.get_model("staff", "ResponseTemplate")
    ResponseTemplate.objects.filter(
        title__in=[title for title, _, _ in TEMPLATES], category=None, authority=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("staff", "0004_responsetemplate")]

    operations = [migrations.RunPython(seed, unseed)]
