"""Arabic place search (issue #23): a place's Arabic name from elsewhere than its OSM name:ar
(`other_name_ar`, filled by seed_city from the gazetteer and fixtures/place_aliases_ar.csv), and
the stored search text brought to the new normalisation (article ال dropped, Persian/Moroccan
letters and Arabic-Indic digits folded), so a database searched right after `migrate` still
matches the queries; seed_city then adds the new names. Normalising already-normalised text
gives what normalising the original gives (districts.text), so each stored name is redone on
its own."""

from django.db import migrations, models

from districts.text import NAME_SEPARATOR, search_text


def renormalise_search_text(apps, schema_editor):
    place_model = apps.get_model("districts", "Place")
    changed = []
    for place in place_model.objects.only("id", "search_text").iterator(chunk_size=2000):
        text = search_text(place.search_text.split(NAME_SEPARATOR))
        if text != place.search_text:
            place.search_text = text
            changed.append(place)
    place_model.objects.bulk_update(changed, ["search_text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0007_staffmembership"),
    ]

    operations = [
        migrations.AddField(
            model_name="place",
            name="other_name_ar",
            field=models.CharField(
                blank=True,
                help_text=(
                    "An Arabic name from elsewhere than the element's name:ar (its Arabic "
                    "Wikipedia article, a merged element, or a cited alias in "
                    "fixtures/place_aliases_ar.csv), shown in Arabic when OSM has no name:ar"
                ),
                max_length=250,
            ),
        ),
        migrations.RunPython(renormalise_search_text, migrations.RunPython.noop),
    ]
