"""The Material dictionary and topic synonym groups: loading the shipped data files, hub pages,
alias resolution."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from content.models import Material, MaterialIndexPage, MaterialPage, TopicSynonymGroup

DATA_FILE = Path(__file__).parent / "data" / "materials.json"
SYNONYMS_FILE = Path(__file__).parent / "data" / "topic_synonyms.json"
FIELDS = ("traditional", "pinyin", "latin", "english", "category", "aliases", "origins")
LIST_FIELDS = ("english", "aliases", "origins")


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    hubs_created: int = 0


@transaction.atomic
def load_materials(path: Path = DATA_FILE) -> LoadReport:
    """Upsert every material in ``path`` by canonical name and give each a hub page."""
    report = LoadReport()
    for entry in json.loads(path.read_text(encoding="utf-8")):
        values = {field: entry.get(field, [] if field in LIST_FIELDS else "") for field in FIELDS}
        material = Material.objects.filter(name=entry["name"]).first()
        if material is None:
            Material.objects.create(name=entry["name"], **values)
            report.created += 1
        elif any(getattr(material, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(material, key, value)
            material.save()
            report.updated += 1
        else:
            report.unchanged += 1
    report.hubs_created = ensure_material_hubs()
    return report


def read_topic_synonyms(path: Path = SYNONYMS_FILE) -> list[list[str]]:
    """Each shipped group's words, canonical word first, as ``TopicSynonymGroup.words``."""
    return [[e["canonical"], *e["synonyms"]] for e in json.loads(path.read_text(encoding="utf-8"))]


@transaction.atomic
def load_topic_synonyms(path: Path = SYNONYMS_FILE) -> LoadReport:
    """Upsert every topic synonym group in ``path`` by canonical word; groups edited in the
    admin to hold other words are overwritten, groups added there are kept."""
    report = LoadReport()
    for entry in json.loads(path.read_text(encoding="utf-8")):
        group, created = TopicSynonymGroup.objects.get_or_create(
            canonical=entry["canonical"], defaults={"synonyms": entry["synonyms"]}
        )
        if created:
            report.created += 1
        elif group.synonyms != entry["synonyms"]:
            group.synonyms = entry["synonyms"]
            group.save()
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def ensure_material_hubs() -> int:
    """Create a live hub page for each material that has none; return how many were made."""
    index = MaterialIndexPage.objects.first()
    if index is None:
        return 0
    created = 0
    taken = set(index.get_children().values_list("slug", flat=True))
    for material in Material.objects.filter(hub_page__isnull=True).order_by("pinyin"):
        slug = material.pinyin or f"m{material.pk}"
        if slug in taken:
            slug = f"{slug}-{material.pk}"
        index.add_child(instance=MaterialPage(title=material.name, slug=slug, material=material))
        taken.add(slug)
        created += 1
    return created


class MaterialResolver:
    """Maps every name a material goes by (canonical, traditional, alias) to the material.

    Built once per import so resolving a line costs a dict lookup, not a query.
    """

    def __init__(self) -> None:
        self._by_name: dict[str, Material] = {}
        materials = list(Material.objects.all())
        # Canonical names win over another material's alias or traditional form.
        for names in (lambda m: [m.name], lambda m: [m.traditional], lambda m: m.aliases):
            for material in materials:
                for name in names(material):
                    if name:
                        self._by_name.setdefault(_key(name), material)

    def resolve(self, name: str) -> Material | None:
        return self._by_name.get(_key(name))


def _key(name: str) -> str:
    return "".join(name.split()).lower()
