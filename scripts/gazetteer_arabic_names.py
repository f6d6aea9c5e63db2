"""Carries into fixtures/gazetteer.geojson the Arabic names its OSM sources hold but the
gazetteer's build left out (issue #23), as the property `other_names_ar` of each feature:

1. the title of the Arabic Wikipedia article that an element's `wikipedia` tag names
   (`wikipedia=ar:<title>`), without a parenthesised disambiguation: "ar:محطة الدار البيضاء
   المسافرين" on the Casa Voyageurs station nodes, "ar:حديقة الإيسيسكو (الدار البيضاء)" on
   Murdoch Park;
2. the `name:ar` of the other OSM elements folded into a feature (`merged_osm`: the platforms of
   a station, the segments of a street) where it differs from the feature's own names.

A name already among the feature's names once normalised (districts.text) is not repeated.
Reads the very source files the gazetteer was built from, listed with their git blob and sha256
in the fixture's `metadata.sources`, from a git mirror of SALMASAID1/TaaSim-casablanca; where an
element is in several files, the copy with the newest `timestamp_osm_base` wins, as in the build.
Deterministic and idempotent; rewrites the fixture in its own compact format.

    python scripts/gazetteer_arabic_names.py --git-dir <mirror of SALMASAID1/TaaSim-casablanca>
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from districts.text import normalise  # noqa: E402

ARABIC = re.compile(r"[\u0600-\u06ff]")
DISAMBIGUATION = re.compile(r"\s*\([^)]*\)\s*$")


def source_tags(git_dir: str, sources: list[dict]) -> dict[str, dict]:
    """Tags of every element of the Overpass sources, newest copy winning."""
    tags: dict[str, dict] = {}
    overpass = [source for source in sources if source.get("kind") == "overpass"]
    for source in sorted(overpass, key=lambda source: source["timestamp_osm_base"]):
        blob = subprocess.run(
            ["git", "--git-dir", git_dir, "cat-file", "blob", source["blob"]],
            check=True,
            capture_output=True,
        ).stdout
        if hashlib.sha256(blob).hexdigest() != source["sha256"]:
            raise SystemExit(f"{source['source_id']}: sha256 differs from the fixture's metadata")
        for element in json.loads(blob)["elements"]:
            if element.get("tags"):
                tags[f"{element['type']}/{element['id']}"] = element["tags"]
    return tags


def other_names_ar(feature: dict, tags: dict[str, dict]) -> list[str]:
    props = feature["properties"]
    known = [props.get("name"), props.get("name_fr"), props.get("name_ar")]
    known += props.get("alt_names") or []
    seen = {normalise(name) for name in known if name}
    found = []
    elements = [feature["id"]] + (props.get("merged_osm") or [])
    candidates = []
    for key in elements:  # Wikipedia titles first: the representative element's, then merged
        wikipedia = tags.get(key, {}).get("wikipedia", "")
        if wikipedia.startswith("ar:"):
            candidates.append(DISAMBIGUATION.sub("", wikipedia[3:]).strip())
    candidates += [tags.get(key, {}).get("name:ar", "") for key in elements[1:]]
    for name in candidates:
        if name and ARABIC.search(name) and normalise(name) not in seen:
            seen.add(normalise(name))
            found.append(name)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--git-dir", required=True, help="git mirror of the sources' repository")
    parser.add_argument("--fixture", type=Path, default=ROOT / "fixtures" / "gazetteer.geojson")
    options = parser.parse_args()

    document = json.loads(options.fixture.read_text(encoding="utf-8"))
    tags = source_tags(options.git_dir, document["metadata"]["sources"])
    carried = 0
    for feature in document["features"]:
        props = feature["properties"]
        props.pop("other_names_ar", None)
        names = other_names_ar(feature, tags)
        if names:
            props["other_names_ar"] = names
            carried += 1
    document["metadata"]["other_names_ar"] = (
        "Arabic names from the same OSM elements that the build had left out: the Arabic "
        "Wikipedia title named by a `wikipedia=ar:` tag, and `name:ar` of merged elements; "
        "added by scripts/gazetteer_arabic_names.py in the Casa Map repository"
    )
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    options.fixture.write_text(text, encoding="utf-8")
    print(f"{carried} features carry other Arabic names")


if __name__ == "__main__":
    main()
