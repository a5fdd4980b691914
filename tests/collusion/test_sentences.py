"""Flag sentences are re-rendered from their figures through gettext, so they can be translated."""
from trading.collusion import sentences
from trading.collusion.engine.explain import TEMPLATES as ENGINE_TEMPLATES

FIGURES = {"members": "A, B", "shared": 6, "exclusivity": 1.0, "rotation_word": "evenly shared",
           "rotation": 1.0, "covers": "none"}
ENGLISH = ("Firms A, B form a group that met in 6 tenders; they bid together 100% of the time, and wins inside "
           "the group are evenly shared (rotation 1.00); members that never won: none.")


def test_every_engine_template_is_marked_for_translation():
    assert sentences.TEMPLATES == ENGINE_TEMPLATES
    assert set(sentences.KIND_LABELS) == set(ENGINE_TEMPLATES) | set(sentences.APP_TEMPLATES)


def test_the_app_sides_own_flags_are_rendered_in_the_readers_language(monkeypatch):
    figures = {"tender": "T-1", "winner": "A Co.", "subcontractor": "B Co."}
    template = sentences.APP_TEMPLATES["losing_bidder_subcontract"]
    assert sentences.translate_flag("losing_bidder_subcontract", figures, "stored") == template.format(**figures)
    monkeypatch.setattr(sentences, "gettext", lambda s: {template: "{tender}：中标人{winner}分包给{subcontractor}。"}.get(s, s))
    assert sentences.translate_flag("losing_bidder_subcontract", figures, "stored") == "T-1：中标人A Co.分包给B Co.。"


def test_sentence_is_rendered_in_the_readers_language(monkeypatch):
    assert sentences.translate_flag("group", FIGURES, "stored") == ENGLISH
    catalogue = {ENGINE_TEMPLATES["group"]: "{members} 组成团体，共同投标 {shared} 次，中标{rotation_word}；从未中标：{covers}。",
                 "evenly shared": "轮流", "none": "无"}
    monkeypatch.setattr(sentences, "gettext", lambda s: catalogue.get(s, s))
    assert sentences.translate_flag("group", FIGURES, "stored") == "A, B 组成团体，共同投标 6 次，中标轮流；从未中标：无。"


def test_the_stored_english_sentence_is_kept_when_figures_or_wording_do_not_fit(monkeypatch):
    assert sentences.translate_flag("group", {"members": "A"}, "stored English") == "stored English"
    assert sentences.translate_flag("a_new_kind", {}, "stored English") == "stored English"
    monkeypatch.setitem(sentences.TEMPLATES, "group", "an older wording {members}")
    assert sentences.translate_flag("group", FIGURES, "stored English") == "stored English"
