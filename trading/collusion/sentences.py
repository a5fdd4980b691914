"""Flag sentences for people: the engine writes English from its TEMPLATES; here the
same templates are marked for translation and re-rendered from the stored figures in
the reader's language.  When the engine's wording has moved on and a template here no
longer matches, the engine's own English sentence is shown instead."""
from django.utils.translation import gettext, gettext_noop

from trading.collusion.engine.explain import TEMPLATES as ENGINE_TEMPLATES

TEMPLATES = {
    'low_cv': gettext_noop('Bids in tender {tender} are unusually close together: the coefficient of variation is {cv:.1%}, lower than {pct:.0%} of comparable tenders in this market.'),
    'low_spread': gettext_noop('In tender {tender} the highest bid is only {spd:.1%} above the lowest, a narrower spread than in {pct:.0%} of comparable tenders.'),
    'high_rd': gettext_noop('In tender {tender} the winning bid stands apart from tightly packed losing bids (relative distance {rd:.2f}, higher than {pct:.0%} of comparable tenders).'),
    'subgroup': gettext_noop('Tender {tender} contains a subgroup of {k} bids that are almost identical (coefficient of variation {cv:.2%}), which may indicate part of the bidders coordinated.'),
    'identical': gettext_noop('In tender {tender}, {count:.0f} bids from different firms have exactly the same price.'),
    'step_arith': gettext_noop('The bids in tender {tender} climb in equal steps (the gaps between consecutive bids vary by only {cv:.2%}).'),
    'step_geom': gettext_noop('The bids in tender {tender} climb by a fixed percentage (the ratios between consecutive bids vary by only {cv:.2%}).'),
    'reserve_round': gettext_noop('In tender {tender}, {count:.0f} bids sit at an exact round percentage of the reserve price.'),
    'cluster_above': gettext_noop('In tender {tender}, {share:.0%} of the losing bids lie within {tol:.0%} above the lowest bid.'),
    'group': gettext_noop('Firms {members} form a group that met in {shared} tenders; they bid together {exclusivity:.0%} of the time, and wins inside the group are {rotation_word} (rotation {rotation:.2f}); members that never won: {covers}.'),
    'shared_identity_tender': gettext_noop('In tender {tender}, bidders {bidders} used the same {signal} ({value}).'),
    'shared_identity_market': gettext_noop('Bidders {bidders} used the same {signal} ({value}) in {n_tenders} tenders.'),
    'buyer_dominance': gettext_noop('Firm {bidder} won {wins} of the {tenders} tenders of buyer {buyer} ({share:.0%}).'),
    'lowest_disqualified': gettext_noop('In tender {tender} the lowest bid (by {bidders}) was disqualified.'),
    'all_but_winner_disqualified': gettext_noop("In tender {tender} every bid except the winner's was disqualified ({bidders})."),
    'split_threshold': gettext_noop('Buyer {buyer} put out {count} tenders just under the threshold between {first} and {last}, worth {total:,.0f} together.'),
}

# Flags the app side writes itself from what the other rooms record (the engine never sees those records); the
# English is stored with the flag as evidence, like the engine's sentences.
APP_TEMPLATES = {
    'losing_bidder_subcontract': gettext_noop('In tender {tender}, the winner {winner} subcontracted work to '
                                              '{subcontractor}, a firm that bid against it in the same tender: a way '
                                              'cover bidders are paid.'),
}

# words the engine puts into figures
WORDS = {
    "evenly shared": gettext_noop("evenly shared"),
    "concentrated": gettext_noop("concentrated"),
    "none": gettext_noop("none"),
    "ip": gettext_noop("network address"),
    "device": gettext_noop("device"),
    "bank account": gettext_noop("bank account"),
    "phone": gettext_noop("phone"),
    "email": gettext_noop("e-mail"),
    "project manager": gettext_noop("project manager"),
    "attachment hash": gettext_noop("attachment"),
    "doc author": gettext_noop("document author"),
    "doc template": gettext_noop("document template"),
    "security account": gettext_noop("account paying the bid security"),
}

KIND_LABELS = {
    "low_cv": gettext_noop("Bids unusually close"),
    "low_spread": gettext_noop("Narrow spread"),
    "high_rd": gettext_noop("Winner apart from packed losers"),
    "subgroup": gettext_noop("Near-identical subgroup"),
    "identical": gettext_noop("Identical prices"),
    "step_arith": gettext_noop("Equal price steps"),
    "step_geom": gettext_noop("Equal percentage steps"),
    "reserve_round": gettext_noop("Round ratios to the reserve price"),
    "cluster_above": gettext_noop("Losers clustered above the winner"),
    "group": gettext_noop("Co-bidding group"),
    "shared_identity_tender": gettext_noop("Shared identity in one tender"),
    "shared_identity_market": gettext_noop("Shared identity across tenders"),
    "buyer_dominance": gettext_noop("One firm wins for one buyer"),
    "lowest_disqualified": gettext_noop("Lowest bid disqualified"),
    "all_but_winner_disqualified": gettext_noop("All but the winner disqualified"),
    "split_threshold": gettext_noop("Split under the threshold"),
    "losing_bidder_subcontract": gettext_noop("Subcontract to a losing bidder"),
}


# the names of the figures a flag stores (the engine's template fields)
FIGURE_LABELS = {
    "tender": gettext_noop("Tender"),
    "tenders": gettext_noop("Tenders"),
    "bidder": gettext_noop("Bidder"),
    "bidders": gettext_noop("Bidders"),
    "buyer": gettext_noop("Buyer"),
    "members": gettext_noop("Members"),
    "cv": gettext_noop("Coefficient of variation"),
    "spd": gettext_noop("Spread (highest over lowest bid)"),
    "rd": gettext_noop("Relative distance of the winner"),
    "pct": gettext_noop("Share of comparable tenders less suspicious"),
    "k": gettext_noop("Bids in the subgroup"),
    "count": gettext_noop("Number of bids or tenders"),
    "share": gettext_noop("Share"),
    "tol": gettext_noop("Tolerance above the lowest bid"),
    "shared": gettext_noop("Tenders with two or more members"),
    "exclusivity": gettext_noop("Exclusivity"),
    "rotation": gettext_noop("Rotation"),
    "rotation_word": gettext_noop("Wins inside the group"),
    "covers": gettext_noop("Members that bid often and never won"),
    "signal": gettext_noop("Shared identifier"),
    "value": gettext_noop("Shared value"),
    "n_tenders": gettext_noop("Tenders where it was shared"),
    "wins": gettext_noop("Wins"),
    "first": gettext_noop("First"),
    "last": gettext_noop("Last"),
    "total": gettext_noop("Total value"),
    "winner": gettext_noop("Winner"),
    "subcontractor": gettext_noop("Subcontractor"),
}


def figure_rows(figures):
    """(label, value) per stored figure, in the reader's language; an unknown figure keeps its name."""
    def shown(value):
        if isinstance(value, float):
            return float(f"{value:.4g}")
        return gettext(WORDS[value]) if isinstance(value, str) and value in WORDS else value

    return [(gettext(FIGURE_LABELS[k]) if k in FIGURE_LABELS else k, shown(v)) for k, v in figures.items()]


def kind_label(kind):
    return gettext(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def signal_label(signal):
    word = signal.replace("_", " ")
    return gettext(WORDS[word]) if word in WORDS else word


def translate_flag(kind, figures, english):
    template = TEMPLATES.get(kind)
    if kind in APP_TEMPLATES:
        template = APP_TEMPLATES[kind]
    elif template is None or ENGINE_TEMPLATES.get(kind) != template:
        return english
    localised = {k: gettext(WORDS[v]) if isinstance(v, str) and v in WORDS else v for k, v in figures.items()}
    try:
        return gettext(template).format(**localised)
    except (KeyError, ValueError, TypeError, IndexError):
        return english
