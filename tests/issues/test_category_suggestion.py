"""Category suggestion (issue #27): the model learns from a corpus and from the city's reports
(the category each ended in), never from the evaluation file, and every process uses the
newest stored version."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.utils import translation

from districts.models import Category
from issues import category_suggestion
from issues.category_suggestion import Example
from issues.models import CategorySuggestionModel, Complaint, Flag

# A small corpus written for this test: four categories, four ways of writing.
TRAINING = {
    "roads-potholes": [
        ("fr", "Un nid-de-poule énorme sur la chaussée"),
        ("fr", "La route est pleine de trous"),
        ("fr", "Trou profond au milieu de la route goudronnée"),
        ("ar", "حفرة كبيرة في الطريق"),
        ("ar", "الطريق مليئة بالحفر"),
        ("ar", "حفرة عميقة وسط الشارع المعبد"),
        ("darija-arabic", "كاينة حفرة كبيرة فالطريق"),
        ("darija-arabic", "الطريق عامرة بالحفاري"),
        ("darija-arabic", "الزفت تقلع وبقات حفرة"),
        ("darija-latin", "kayna 7ofra kbira f tri9"),
        ("darija-latin", "tri9 3amra b l7fari"),
        ("darija-latin", "zeft t9le3 w b9at 7ofra"),
    ],
    "street-lighting": [
        ("fr", "Le lampadaire est éteint"),
        ("fr", "Aucun éclairage public dans la rue la nuit"),
        ("fr", "La lampe du réverbère est grillée"),
        ("ar", "المصباح العمومي مطفأ"),
        ("ar", "الإنارة العمومية معطلة في الليل"),
        ("ar", "مصباح عمود الإنارة محروق"),
        ("darija-arabic", "الضو ديال الزنقة طافي"),
        ("darija-arabic", "البوطو ديال الضو ما خدامش بالليل"),
        ("darija-arabic", "اللامبا ديال البوطو تحرقات"),
        ("darija-latin", "dow dyal zen9a tafi"),
        ("darija-latin", "lbotou dyal dow ma khdamch b lil"),
        ("darija-latin", "lampa dyal lbotou t7r9at"),
    ],
    "waste-collection": [
        ("fr", "Le camion poubelle n'est pas passé"),
        ("fr", "Les bacs à ordures débordent"),
        ("fr", "La poubelle n'a pas été vidée"),
        ("ar", "شاحنة النفايات لم تمر"),
        ("ar", "حاويات الأزبال ممتلئة"),
        ("ar", "لم يتم إفراغ حاوية القمامة"),
        ("darija-arabic", "الكاميو ديال الزبل ما دازش"),
        ("darija-arabic", "البركاسات عامرين بالزبل"),
        ("darija-arabic", "البركاسة ما تخواتش"),
        ("darija-latin", "camio dyal zbel ma dazch"),
        ("darija-latin", "lbarkassat 3amrin b zbel"),
        ("darija-latin", "lbarkassa ma tkhwatch"),
    ],
    "stray-animals": [
        ("fr", "Des chiens errants attaquent les passants"),
        ("fr", "Un chien errant a mordu un enfant"),
        ("fr", "Des chats errants partout"),
        ("ar", "كلاب ضالة تهاجم المارة"),
        ("ar", "عض كلب ضال طفلا"),
        ("ar", "قطط ضالة في كل مكان"),
        ("darija-arabic", "الكلاب السايبين كيهجمو على الناس"),
        ("darija-arabic", "كلب سايب عض الدري"),
        ("darija-arabic", "المشاش السايبين فكل بلاصة"),
        ("darija-latin", "lklab sayebin kayhjmo 3la nas"),
        ("darija-latin", "kelb sayeb 3ed drri"),
        ("darija-latin", "lmchach sayebin f kol blasa"),
    ],
}
# Held back: never in TRAINING.
HELD_BACK = [
    ("fr", "Encore un trou sur la route devant chez moi", "roads-potholes"),
    ("fr", "Plus aucun lampadaire ne s'allume", "street-lighting"),
    ("fr", "Les ordures ne sont pas ramassées, le bac déborde", "waste-collection"),
    ("fr", "Une meute de chiens errants dans le quartier", "stray-animals"),
    ("ar", "حفرة خطيرة في الطريق قرب المدرسة", "roads-potholes"),
    ("ar", "الإنارة مطفأة في الشارع", "street-lighting"),
    ("ar", "الأزبال لم تجمع والحاوية ممتلئة", "waste-collection"),
    ("ar", "كلاب ضالة كثيرة في الحي", "stray-animals"),
    ("darija-arabic", "واحد الحفرة فالطريق ديالنا", "roads-potholes"),
    ("darija-arabic", "الضو طافي فالزنقة كاملة", "street-lighting"),
    ("darija-arabic", "الزبل ما تجمعش والبركاسة عامرة", "waste-collection"),
    ("darija-arabic", "بزاف ديال الكلاب السايبين فالحومة", "stray-animals"),
    ("darija-latin", "kayna wa7d l7ofra f tri9", "roads-potholes"),
    ("darija-latin", "dow tafi f zen9a kamla", "street-lighting"),
    ("darija-latin", "zbel ma tjme3ch w lbarkassa 3amra", "waste-collection"),
    ("darija-latin", "bzaf dyal lklab sayebin f l7ouma", "stray-animals"),
]


def small_corpus() -> list[Example]:
    return [
        Example(text, code, language) for code, rows in TRAINING.items() for language, text in rows
    ]


@pytest.fixture
def small_model(casablanca):
    """The small corpus's model, stored as the newest version."""
    return category_suggestion.store(
        category_suggestion.fit(small_corpus()), examples={"seed": 48}, metrics={}
    )


def best(text: str) -> str:
    return category_suggestion.suggest(text)[0].code


@pytest.mark.parametrize(("language", "text", "expected"), HELD_BACK)
def test_held_back_sentences_get_their_category_first_in_each_language(
    small_model, language, text, expected
):
    assert text not in {example.text for example in small_corpus()}
    assert best(text) == expected


def test_suggestions_are_ranked_with_scores_and_names_in_the_callers_language(small_model):
    with translation.override("ar"):
        ranked = category_suggestion.suggest("kayna 7ofra kbira f tri9")
    assert [s.code for s in ranked][0] == "roads-potholes"
    assert ranked[0].name == Category.objects.get(code="roads-potholes").name_ar
    scores = [s.score for s in ranked]
    assert scores == sorted(scores, reverse=True)
    assert 0 < scores[0] <= 1
    assert {s.code for s in ranked} == set(TRAINING)  # the categories the model knows


def test_an_inactive_category_is_not_suggested(small_model):
    Category.objects.filter(code="roads-potholes").update(is_active=False)
    assert "roads-potholes" not in {s.code for s in category_suggestion.suggest("7ofra f tri9")}


def test_an_empty_text_gets_no_suggestion(small_model):
    assert category_suggestion.suggest("   ") == []


def test_arabic_spelling_variants_and_arabizi_letter_runs_read_alike():
    assert category_suggestion.model_text("الإنارةُ العمومـــية") == category_suggestion.model_text(
        "الانارة العموميه"
    )
    assert category_suggestion.model_text("BZAAAAF dyal zbel") == "bzaaf dyal zbel"
    assert category_suggestion.model_text("l7ofra f tri9") == "l7ofra f tri9"  # digits are letters


# --- Labels from the city's reports ----------------------------------------------------------


def test_a_recategorised_report_is_learnt_under_the_category_it_ended_in(casablanca, report_in):
    report = report_in("anfa", "roads-potholes", title="Zorglub", description="Zorglub bloub.")
    assert category_suggestion.report_examples() == [
        Example("Zorglub\nZorglub bloub.", "roads-potholes")
    ]
    # The staff move it to the right category: the label follows.
    Complaint.objects.filter(pk=report.pk).update(category=Category.objects.get(code="noise"))
    assert category_suggestion.report_examples() == [Example("Zorglub\nZorglub bloub.", "noise")]


def test_retraining_on_recategorised_reports_changes_the_suggestion(casablanca, report_in):
    reports = [
        report_in("anfa", "roads-potholes", title=f"Zorglub {n}", description="Bloub zorglub.")
        for n in range(6)
    ]
    category_suggestion.train(measure=False)
    assert best("zorglub bloub") == "roads-potholes"

    Complaint.objects.filter(pk__in=[r.pk for r in reports]).update(
        category=Category.objects.get(code="noise")
    )
    category_suggestion.train(measure=False)
    assert best("zorglub bloub") == "noise"


def test_personal_data_masked_at_filing_is_not_learnt(casablanca, report_in):
    report_in(
        "anfa",
        "noise",
        title="Musique trop forte",
        description="Appelez-moi au 06 61 23 45 67 ou youssef@example.org, merci.",
    )
    (example,) = category_suggestion.report_examples()
    assert "45 67" not in example.text and "youssef@" not in example.text
    assert example.text.startswith("Musique trop forte\nAppelez-moi au ")


def test_hidden_unpublished_rejected_spam_and_demo_reports_are_not_learnt_from(
    casablanca, report_in
):
    kept = report_in("anfa", title="Gardé", description="Un vrai signalement.")
    hidden = report_in("anfa", title="Caché", description="Masqué par un modérateur.")
    pending = report_in("anfa", title="En attente", description="Pas encore publié.")
    rejected = report_in("anfa", title="Rejeté", description="Rejeté par le service.")
    spam = report_in("anfa", title="Publicité", description="Achetez nos produits.")
    reviewed = report_in("anfa", title="Examiné", description="Signalé puis gardé.")
    demo = report_in("anfa", title="Démo", description="Donnée de démonstration.")
    Complaint.objects.filter(pk=hidden.pk).update(moderation=Complaint.Moderation.HIDDEN)
    Complaint.objects.filter(pk=pending.pk).update(moderation=Complaint.Moderation.PENDING)
    Complaint.objects.filter(pk=rejected.pk).update(status=Complaint.Status.REJECTED)
    Complaint.objects.filter(pk=demo.pk).update(is_demo=True)
    Flag.objects.create(complaint=spam, reason=Flag.Reason.SPAM, device_key="a")
    Flag.objects.create(
        complaint=reviewed, reason=Flag.Reason.SPAM, device_key="b", reviewed_at=reviewed.created_at
    )

    titles = {example.text.split("\n")[0] for example in category_suggestion.report_examples()}

    assert titles == {kept.title, reviewed.title}


# --- The seed corpus and its evaluation file -------------------------------------------------


def test_the_seed_corpus_covers_every_category_in_every_language(casablanca):
    codes = set(Category.objects.values_list("code", flat=True))
    for path in (category_suggestion.TRAIN_FILE, category_suggestion.EVAL_FILE):
        examples = category_suggestion.read_corpus(path)
        assert {e.category for e in examples} == codes
        for language in category_suggestion.LANGUAGES:
            assert {e.category for e in examples if e.language == language} == codes


def test_no_evaluation_sentence_is_in_the_training_file():
    def normalised(path):
        return {
            category_suggestion.model_text(example.text)
            for example in category_suggestion.read_corpus(path)
        }

    assert normalised(category_suggestion.TRAIN_FILE).isdisjoint(
        normalised(category_suggestion.EVAL_FILE)
    )


def test_training_never_reads_the_evaluation_file(casablanca, monkeypatch):
    read = []
    original = category_suggestion.read_corpus
    monkeypatch.setattr(
        category_suggestion, "read_corpus", lambda path: read.append(path) or original(path)
    )
    # Whatever opens a file by its own means would find nothing to read.
    monkeypatch.setattr(category_suggestion, "EVAL_FILE", category_suggestion.CORPUS_DIR / "x")

    model = category_suggestion.train(measure=False)

    assert read == [category_suggestion.TRAIN_FILE]
    assert model.examples == {"seed": len(original(category_suggestion.TRAIN_FILE)), "reports": 0}


# --- One model for every process ------------------------------------------------------------


def test_a_new_city_gets_a_model_trained_on_the_seed_corpus(casablanca):
    assert not CategorySuggestionModel.objects.exists()

    assert best("kayna wa7d l7ofra kbira f tri9") == "roads-potholes"

    stored = CategorySuggestionModel.objects.get()
    assert stored.examples["reports"] == 0 and stored.examples["seed"] > 300


def test_each_process_loads_a_version_once_and_picks_up_a_newer_one(small_model, monkeypatch):
    loads = []
    original = category_suggestion.pickle.loads
    monkeypatch.setattr(
        category_suggestion.pickle, "loads", lambda data: loads.append(1) or original(data)
    )
    clock = [1000.0]
    monkeypatch.setattr(category_suggestion.time, "monotonic", lambda: clock[0])

    first = category_suggestion.current_model()
    assert category_suggestion.current_model() is first
    assert len(loads) == 1

    # Another node stores a newer version: this process picks it up at its next check.
    newer = CategorySuggestionModel.objects.create(
        payload=small_model.payload, sklearn_version=small_model.sklearn_version
    )
    assert newer.pk > small_model.pk
    clock[0] += category_suggestion.VERSION_CHECK_SECONDS - 1
    assert category_suggestion.current_model() is first
    clock[0] += 2
    assert category_suggestion.current_model() is not first
    assert len(loads) == 2
    assert category_suggestion.current_model() is category_suggestion.current_model()
    assert len(loads) == 2


def test_a_model_trained_in_this_process_is_used_at_once(small_model):
    category_suggestion.current_model()
    relabelled = [Example(e.text, "noise", e.language) for e in small_corpus()[:12]] + [
        Example(e.text, "other", e.language) for e in small_corpus()[12:]
    ]
    category_suggestion.store(category_suggestion.fit(relabelled), examples={}, metrics={})
    assert best("kayna 7ofra kbira f tri9") == "noise"


def test_the_command_trains_and_stores_a_version(casablanca, report_in, capsys):
    report_in("anfa", "noise", title="Musique", description="Trop forte la nuit.")
    call_command("train_category_model")
    stored = CategorySuggestionModel.objects.get()
    assert stored.examples["reports"] == 1
    assert 0 < stored.metrics["cross_validated_top1"] <= 1
    assert f"model v{stored.pk}" in capsys.readouterr().out


def test_the_nightly_training_is_scheduled(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "issues.tasks.train_category_model" in schedule


def test_corpus_lines_are_json_objects_with_the_three_fields():
    for path in (category_suggestion.TRAIN_FILE, category_suggestion.EVAL_FILE):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert set(json.loads(line)) == {"text", "language", "category"}


def test_the_nightly_task_trains_on_the_reports_too(casablanca, report_in):
    from issues.tasks import train_category_model

    report_in("anfa", "noise", title="Musique", description="Trop forte la nuit.")
    version = train_category_model()
    stored = CategorySuggestionModel.objects.get(pk=version)
    assert stored.examples["reports"] == 1
