"""Score a csr-kg graph against a gold annotation (JSON): precision, recall and F1 of entities and relations,
and accuracy of a few attributes.

The matching rules are those of the project's reference scorer, so that ``csrkg evaluate`` gives the same
figures a reviewer gets, and tests can hold thresholds with ``evaluate(graph, gold)``:

* Entities, per class (Company, Subsidiary, Fund, Partner, Community, Award; membership by ``rdf:type`` through
  ``rdfs:subClassOf*``): a node is a true positive when one of its names (``rdfs:label``, ``skos:prefLabel``,
  ``skos:altLabel``) equals, after normalisation, one name of a not yet matched gold entity of that class.
  Exact matches are taken first, over the nodes in IRI order; the nodes left then match fuzzily (a leading
  year is optional, one name inside the other covering >= 60 % of it, or >= 0.85 similarity). Matching is
  one-to-one, so a second node of one gold entity (a duplicate) is a false positive.
* Relations: both ends resolve to gold entities (the node's entity match, else any gold entity by name), and
  the gold has the triple (``partnerOf`` in either direction). A triple whose ends do not resolve is a false
  positive. Triples that match a gold relation marked ``"certain": false`` count neither way, and so do nodes
  that match a gold entity marked ``"certain": false``.
* Attributes, over gold entities that were found: Community city (``csr:locatedIn`` a place whose name
  contains or is contained in the city), kind (``csr:communityKind``) and Fund size (``csr:sizeCNY`` within 1 %).
"""
from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from extract.errors import Errors, InputError, one_line
from kg.graphfile import load_graph
from kg.vocab import CSR, ENTITY_CLASSES, RELATIONS, SYMMETRIC_RELATIONS

NAME_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
ATTRIBUTES: tuple[str, ...] = ("city", "kind", "size_cny")
SIZE_TOLERANCE = 0.01  # a fund size within 1 % of the gold size is right

# --- names -------------------------------------------------------------------------------------------------

_MIDDLE_DOTS = re.compile(r"[·•‧・∙⋅]")
_IGNORED_CHARS = re.compile(r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】]")
_LEADING_YEAR = re.compile(r"^(19|20)\d{2}(年度|年)?")


def normalize_name(name: str) -> str:
    """Fold width and case, unify middle dots, drop spaces, quotes and brackets: 《星河》 = 星河."""
    text = unicodedata.normalize("NFKC", str(name))
    text = _MIDDLE_DOTS.sub("·", text)
    text = _IGNORED_CHARS.sub("", text)
    return text.lower()


def names_match_fuzzily(a: str, b: str) -> bool:
    """Loose match of two normalised names: optional leading year, containment >= 60 %, similarity >= 0.85."""
    a, b = _LEADING_YEAR.sub("", a), _LEADING_YEAR.sub("", b)
    if len(a) < 3 or len(b) < 3:
        return a == b
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    if shorter in longer and len(shorter) / len(longer) >= 0.6:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


# --- gold --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldEntity:
    name: str
    types: frozenset[str]
    names: frozenset[str]  # normalised name and aliases, empty ones left out
    city: str | None = None
    kind: str | None = None
    size_cny: float | None = None
    certain: bool = True  # "certain": false: a match is neither a hit nor a miss


@dataclass(frozen=True)
class GoldRelation:
    s: str
    p: str
    o: str
    certain: bool = True


@dataclass(frozen=True)
class Gold:
    entities: tuple[GoldEntity, ...]
    relations: tuple[GoldRelation, ...]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InputError(Errors.E055, reason=message)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _parse_entity(i: int, raw: Any) -> GoldEntity:
    _require(isinstance(raw, dict), f"entities[{i}] is not an object")
    name, types, aliases = raw.get("name"), raw.get("types"), raw.get("aliases", [])
    _require(isinstance(name, str) and name != "", f"entities[{i}] has no \"name\" string")
    _require(isinstance(types, list) and all(isinstance(t, str) for t in types),
             f"entities[{i}] ({name}): \"types\" is not a list of strings")
    _require(isinstance(aliases, list) and all(isinstance(a, str) for a in aliases),
             f"entities[{i}] ({name}): \"aliases\" is not a list of strings")
    for key in ("city", "kind"):
        _require(raw.get(key) is None or isinstance(raw[key], str),
                 f"entities[{i}] ({name}): \"{key}\" is not a string")
    size = raw.get("size_cny")
    _require(size is None or _is_number(size), f"entities[{i}] ({name}): \"size_cny\" is not a number")
    names = {normalize_name(n) for n in (name, *aliases)}
    return GoldEntity(
        name=name,
        types=frozenset(types),
        names=frozenset(n for n in names if n),
        city=raw.get("city") or None,
        kind=raw.get("kind") or None,
        size_cny=size or None,
        certain=raw.get("certain", True) is not False,
    )


def _parse_relation(i: int, raw: Any) -> GoldRelation:
    _require(isinstance(raw, dict), f"relations[{i}] is not an object")
    for key in ("s", "p", "o"):
        _require(isinstance(raw.get(key), str), f"relations[{i}] has no \"{key}\" string")
    return GoldRelation(raw["s"], raw["p"], raw["o"], certain=raw.get("certain", True) is not False)


def parse_gold(data: Any) -> Gold:
    """Check and convert a gold annotation (the parsed JSON); a malformed one raises ``InputError``."""
    _require(isinstance(data, dict), "the top level is not an object")
    entities, relations = data.get("entities"), data.get("relations")
    _require(isinstance(entities, list), "no \"entities\" list")
    _require(isinstance(relations, list), "no \"relations\" list")
    return Gold(
        entities=tuple(_parse_entity(i, e) for i, e in enumerate(entities)),
        relations=tuple(_parse_relation(i, r) for i, r in enumerate(relations)),
    )


def load_gold(path: str | Path) -> dict:
    """Read a gold JSON file; a missing, undecodable or malformed file raises ``InputError``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Errors.E050, path=path, what="gold") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(Errors.E053, path=path, reason=one_line(str(err))) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(Errors.E054, path=path, reason=err) from None
    try:
        parse_gold(data)
    except InputError as err:
        raise InputError(Errors.E055, reason=f"{path}: {err.fields['reason']}") from None
    return data


# --- graph -------------------------------------------------------------------------------------------------


def load_graph_with_ontology(path: str | Path, ontology: str | Path | None = None) -> Graph:
    """The graph to score, plus the ontology (for ``rdfs:subClassOf``) when one is given."""
    graph = load_graph(path)
    if ontology is not None:
        graph += load_graph(ontology, what="ontology")
    return graph


def class_members(graph: Graph, class_name: str) -> set[Node]:
    """Nodes typed with the class or one of its subclasses (``rdfs:subClassOf*``), classes themselves left out."""
    classes = set(graph.transitive_subjects(RDFS.subClassOf, CSR[class_name])) | {CSR[class_name]}
    return {
        node
        for cls in classes
        for node in graph.subjects(RDF.type, cls)
        if (node, RDF.type, RDFS.Class) not in graph
    }


def node_names(graph: Graph, node: Node) -> set[str]:
    """The normalised, non-empty literal names of a node."""
    names = {normalize_name(o) for p in NAME_PROPERTIES for o in graph.objects(node, p) if isinstance(o, Literal)}
    names.discard("")
    return names


# --- results -----------------------------------------------------------------------------------------------


def rate(part: int, whole: int) -> float:
    """``part / whole`` rounded to 4 places, 0.0 when there is nothing to divide by."""
    return round(part / whole, 4) if whole else 0.0


@dataclass(frozen=True)
class PRF:
    """True / false positives and false negatives, with precision, recall and F1 rounded to 4 places."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return rate(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return rate(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        # from the unrounded precision and recall
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return round(2 * p * r / (p + r), 4) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class Accuracy:
    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        return rate(self.correct, self.total)

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)

    def to_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "total": self.total, "accuracy": self.accuracy}


@dataclass(frozen=True)
class RuleScore:
    """How one extraction rule did: its statements that are right (``tp``) or wrong (``fp``), and the gold
    relations of its property it found (``found`` of ``gold``, its recall)."""

    rule: str
    predicate: str
    tp: int
    fp: int
    found: int
    gold: int

    @property
    def precision(self) -> float:
        return rate(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return rate(self.found, self.gold)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "predicate": self.predicate, "tp": self.tp, "fp": self.fp,
                "found": self.found, "gold": self.gold, "precision": self.precision, "recall": self.recall}


@dataclass
class EvaluationResult:
    """Scores per entity class and relation (each with a ``micro`` total), attribute accuracies (with
    ``all``), the errors behind them (``"FP Company"``, ``"FN partnerOf"``, ``"attr city"``, ...) and the
    score of each extraction rule (``csr:extractedBy`` on the statements)."""

    entities: dict[str, PRF]
    relations: dict[str, PRF]
    attributes: dict[str, Accuracy]
    errors: dict[str, list[str]] = field(default_factory=dict)
    rules: dict[tuple[str, str], RuleScore] = field(default_factory=dict)

    @property
    def entity_f1(self) -> float:
        return self.entities["micro"].f1

    @property
    def relation_f1(self) -> float:
        return self.relations["micro"].f1

    @property
    def attribute_accuracy(self) -> float:
        return self.attributes["all"].accuracy

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data, laid out like the reference scorer's ``--json`` output."""
        return {
            "entities": {k: v.to_dict() for k, v in self.entities.items()},
            "relations": {k: v.to_dict() for k, v in self.relations.items()},
            "errors": {k: list(v) for k, v in self.errors.items()},
            "attributes": {k: v.to_dict() for k, v in self.attributes.items()},
        }


class _Errors(dict):
    """Error lists by kind; a kind appears once anything is recorded for it (also an empty FN list)."""

    def add(self, kind: str, items: Iterable[str]) -> None:
        self.setdefault(kind, []).extend(items)


# --- matching ----------------------------------------------------------------------------------------------


def _find_gold(names: set[str], candidates: list[GoldEntity], fuzzy: bool) -> GoldEntity | None:
    """The first candidate sharing a name with ``names``; failing that, with ``fuzzy``, the first that matches
    one of them fuzzily."""
    for cand in candidates:
        if names & cand.names:
            return cand
    if fuzzy:
        for cand in candidates:
            if any(names_match_fuzzily(a, b) for a in names for b in cand.names):
                return cand
    return None


def _score_class(
    graph: Graph, class_name: str, gold: Gold, node_to_gold: dict[Node, str], errors: _Errors
) -> PRF:
    """Match the class's nodes one-to-one to gold entities of the class: exact names first, then fuzzy."""
    candidates = [e for e in gold.entities if class_name in e.types]
    matched: set[str] = set()  # gold names, as the gold identifies entities by name
    tp = fp = 0
    false_positives: list[str] = []
    nodes = sorted(class_members(graph, class_name), key=str)
    left: list[tuple[Node, set[str]]] = [(n, node_names(graph, n)) for n in nodes]
    for fuzzy_pass in (False, True):
        todo, left = left, []
        for node, names in todo:
            found = _find_gold(names, [c for c in candidates if c.name not in matched], fuzzy_pass)
            if found is not None:
                matched.add(found.name)
                tp += found.certain
                node_to_gold.setdefault(node, found.name)
            elif fuzzy_pass:
                fp += 1
                false_positives.append("/".join(sorted(names)) or str(node))
            else:
                left.append((node, names))
    if false_positives:
        errors.add(f"FP {class_name}", false_positives)
    missed = [c.name for c in candidates if c.name not in matched and c.certain]
    errors.add(f"FN {class_name}", missed)
    return PRF(tp, fp, len(missed))


def _relation_key(p: str, s: str, o: str) -> tuple[str, str]:
    return tuple(sorted((s, o))) if p in SYMMETRIC_RELATIONS else (s, o)  # type: ignore[return-value]


def _gold_relations(gold: Gold) -> dict[str, dict[tuple[str, str], bool]]:
    """Gold relations by property: key -> certain (certain if any annotation of the key is)."""
    out: dict[str, dict[tuple[str, str], bool]] = {}
    for rel in gold.relations:
        keys = out.setdefault(rel.p, {})
        key = _relation_key(rel.p, rel.s, rel.o)
        keys[key] = keys.get(key, False) or rel.certain
    return out


def _score_relation(
    graph: Graph,
    prop: str,
    golds: Mapping[tuple[str, str], bool],
    resolve: Callable[[Node], str | None],
    errors: _Errors,
) -> PRF:
    """Resolve both ends of each triple of ``prop`` to gold names and compare with the gold triples."""
    predicted: set[tuple[str, str]] = set()
    unresolved: list[str] = []
    for s, o in graph.subject_objects(CSR[prop]):
        gs, go = resolve(s), resolve(o)
        if gs is None or go is None:
            s_names, o_names = "/".join(sorted(node_names(graph, s))), "/".join(sorted(node_names(graph, o)))
            unresolved.append(f"{s_names} -> {o_names} (unresolved)")
        else:
            predicted.add(_relation_key(prop, gs, go))
    tp = sum(1 for key in predicted if golds.get(key) is True)
    wrong = sorted(key for key in predicted if key not in golds)
    if unresolved or wrong:
        errors.add(f"FP {prop}", unresolved + [" -> ".join(key) for key in wrong])
    missed = [key for key, certain in golds.items() if certain and key not in predicted]
    errors.add(f"FN {prop}", (" -> ".join(key) for key in missed))
    return PRF(tp, len(wrong) + len(unresolved), len(missed))


def _as_number(value: Node) -> float | None:
    try:
        return float(value.toPython())
    except (TypeError, ValueError, AttributeError):
        return None


def _place_names(graph: Graph, nodes: set[Node]) -> set[str]:
    out = set()
    for node in nodes:
        for place in graph.objects(node, CSR.locatedIn):
            labels = [place] if isinstance(place, Literal) else node_names(graph, place)
            out.update(normalize_name(label) for label in labels)
    return out


def _score_attributes(
    graph: Graph, gold: Gold, node_to_gold: dict[Node, str], errors: _Errors
) -> dict[str, Accuracy]:
    """Check city, kind and size of every gold entity that some node was matched to."""
    by_name = {e.name: e for e in gold.entities}
    nodes_of: dict[str, set[Node]] = {}
    for node, name in node_to_gold.items():
        nodes_of.setdefault(name, set()).add(node)
    counts = {attr: [0, 0] for attr in ATTRIBUTES}

    def check(attr: str, ok: bool, message: str) -> None:
        counts[attr][1] += 1
        if ok:
            counts[attr][0] += 1
        else:
            errors.add(f"attr {attr}", [message])

    for name, nodes in nodes_of.items():
        entity = by_name.get(name)
        if entity is None:
            continue
        if entity.city:
            places = _place_names(graph, nodes)
            city = normalize_name(entity.city)
            ok = any(city in place or place in city for place in places if place)
            check("city", ok, f"{name}: want {entity.city}, got {sorted(places)}")
        if entity.kind:
            kinds = {str(k).lower() for n in nodes for k in graph.objects(n, CSR.communityKind)}
            check("kind", any(entity.kind in k for k in kinds), f"{name}: want {entity.kind}, got {sorted(kinds)}")
        if entity.size_cny:
            want = entity.size_cny
            sizes = [v for n in nodes for v in map(_as_number, graph.objects(n, CSR.sizeCNY)) if v is not None]
            ok = any(abs(v - want) <= SIZE_TOLERANCE * want for v in sizes)
            check("size_cny", ok, f"{name}: want {want}, got {sizes}")
    result = {attr: Accuracy(*counts[attr]) for attr in ATTRIBUTES}
    result["all"] = sum(result.values(), Accuracy(0, 0))
    return result


def evaluate(graph: Graph, gold: dict | Gold, ontology: Graph | None = None) -> EvaluationResult:
    """Score ``graph`` against ``gold`` (the parsed gold JSON). ``ontology``, when given, is read together
    with the graph, so that class membership follows its ``rdfs:subClassOf`` axioms."""
    gold = gold if isinstance(gold, Gold) else parse_gold(gold)
    if ontology is not None:
        merged = Graph()
        for triple in graph:
            merged.add(triple)
        for triple in ontology:
            merged.add(triple)
        graph = merged
    errors = _Errors()
    node_to_gold: dict[Node, str] = {}
    entities = {cls: _score_class(graph, cls, gold, node_to_gold, errors) for cls in ENTITY_CLASSES}
    entities["micro"] = sum(entities.values(), PRF(0, 0, 0))

    everyone = list(gold.entities)
    resolved: dict[Node, str | None] = {}

    def resolve(node: Node) -> str | None:
        """The gold entity a relation end stands for: its class match, else any gold entity by name."""
        if node in node_to_gold:
            return node_to_gold[node]
        if node not in resolved:
            found = _find_gold(node_names(graph, node), everyone, fuzzy=True)
            resolved[node] = found.name if found else None
        return resolved[node]

    golds = _gold_relations(gold)
    relations = {p: _score_relation(graph, p, golds.get(p, {}), resolve, errors) for p in RELATIONS}
    relations["micro"] = sum(relations.values(), PRF(0, 0, 0))
    attributes = _score_attributes(graph, gold, node_to_gold, errors)
    rules = _score_rules(graph, golds, resolve)
    return EvaluationResult(entities, relations, attributes, dict(errors), rules)


def _score_rules(
    graph: Graph, golds: Mapping[str, Mapping[tuple[str, str], bool]], resolve: Callable[[Node], str | None]
) -> dict[tuple[str, str], RuleScore]:
    """Each statement's rule (``csr:extractedBy``): right when its triple is a certain gold relation, wrong when
    it is no gold relation at all (an uncertain one counts neither way)."""
    by_rule: dict[tuple[str, str], tuple[int, int, set[tuple[str, str]]]] = {}
    for st in graph.subjects(RDF.type, RDF.Statement):
        rule, p = graph.value(st, CSR.extractedBy), graph.value(st, RDF.predicate)
        s, o = graph.value(st, RDF.subject), graph.value(st, RDF.object)
        if rule is None or p is None or s is None or o is None or not str(p).startswith(str(CSR._NS)):
            continue
        prop = str(p)[len(str(CSR._NS)):]
        gs, go = resolve(s), resolve(o)
        key = _relation_key(prop, gs, go) if gs is not None and go is not None else None
        certain = golds.get(prop, {}).get(key) if key else None
        tp, fp, found = by_rule.get((str(rule), prop), (0, 0, set()))
        if certain is True:
            tp, found = tp + 1, found | {key}
        elif certain is None:
            fp += 1
        by_rule[(str(rule), prop)] = (tp, fp, found)
    out = {}
    for (rule, prop), (tp, fp, found) in sorted(by_rule.items()):
        gold_count = sum(1 for c in golds.get(prop, {}).values() if c)
        out[(rule, prop)] = RuleScore(rule, prop, tp, fp, len(found), gold_count)
    return out


# --- report ------------------------------------------------------------------------------------------------


def format_rules(rules: Iterable[RuleScore]) -> str:
    """Precision and recall of each extraction rule, most used first."""
    rows = sorted(rules, key=lambda r: (-(r.tp + r.fp), r.rule, r.predicate))
    lines = [f"{'rule':34s} {'predicate':14s} {'P':>6s} {'R':>6s}  tp/fp  found/gold"]
    for r in rows:
        lines.append(f"{r.rule:34s} {r.predicate:14s} {r.precision:6.3f} {r.recall:6.3f}  {r.tp}/{r.fp}  {r.found}/{r.gold}")
    return "\n".join(lines) + "\n"


def format_report(result: EvaluationResult, show_errors: int = 0) -> str:
    """The text report: tables of P/R/F1 and attribute accuracy, optionally errors; the last line is
    ``entity_f1=… relation_f1=… attribute_acc=…``."""
    lines: list[str] = []
    for section, scores in (("entities", result.entities), ("relations", result.relations)):
        lines.append(f"{section:14s} {'P':>6s} {'R':>6s} {'F1':>6s}  tp/fp/fn")
        for key, s in scores.items():
            lines.append(f"  {key:12s} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  {s.tp}/{s.fp}/{s.fn}")
    if show_errors > 0:
        for kind, items in sorted(result.errors.items()):
            if items:
                lines.append("")
                lines.append(f"{kind} ({len(items)}):")
                lines.extend(f"    {item}" for item in items[:show_errors])
    lines.append("attributes      accuracy  correct/total")
    for key, a in result.attributes.items():
        lines.append(f"  {key:12s} {a.accuracy:6.3f}     {a.correct}/{a.total}")
    lines.append(
        f"entity_f1={result.entity_f1:.3f} relation_f1={result.relation_f1:.3f} "
        f"attribute_acc={result.attribute_accuracy:.3f}"
    )
    return "\n".join(lines) + "\n"
