"""Forms shape input only; the services check it (trading.evaluation.sheets says what a sheet needs)."""
from django import forms
from django.utils.translation import gettext_lazy

from .models import Verdict
from .services import MAX_TEXT
from .sheets import MAX_REASON, MEMBER_GROUNDS, name, score_name

NONE = [("", "—")]


class SheetForm(forms.Form):
    """One member's sheet: per bid under review a verdict, a ground, a reason and (scoring) a score per criterion."""

    def __init__(self, facts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.facts = facts
        for f in facts.under_review:
            bid_id = f.bid.pk
            self.fields[name(bid_id, "verdict")] = forms.ChoiceField(
                label=gettext_lazy("Verdict"), choices=NONE + list(Verdict.choices), required=False)
            self.fields[name(bid_id, "ground")] = forms.ChoiceField(
                label=gettext_lazy("Ground of rejection"), choices=NONE + [(g.value, g.label) for g in MEMBER_GROUNDS],
                required=False)
            self.fields[name(bid_id, "reason")] = forms.CharField(
                label=gettext_lazy("Reason"), max_length=MAX_REASON, required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=gettext_lazy("Required for a rejection, and to accept a justification."))
            for criterion in facts.criteria:
                self.fields[score_name(bid_id, criterion)] = forms.CharField(
                    label=f"{criterion} (0–{facts.tender.scoring_weights[criterion]})", required=False,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}))

    @classmethod
    def initial_from(cls, sheet):
        initial = {}
        for review in sheet.reviews.all() if sheet else []:
            initial[name(review.bid_id, "verdict")] = review.verdict
            initial[name(review.bid_id, "ground")] = review.ground
            initial[name(review.bid_id, "reason")] = review.reason
            for criterion, score in review.scores.items():
                initial[score_name(review.bid_id, criterion)] = score
        return initial

    def groups(self):
        """(bid facts, its bound fields) per bid under review, for the page."""
        return [(f, [self[field] for field in self.fields if field.startswith(name(f.bid.pk, ""))])
                for f in self.facts.under_review]

    def as_data(self):
        data = self.cleaned_data
        return {"reviews": [{
            "bid": f.bid.pk, "verdict": data[name(f.bid.pk, "verdict")], "ground": data[name(f.bid.pk, "ground")],
            "reason": data[name(f.bid.pk, "reason")],
            "scores": {c: data[score_name(f.bid.pk, c)] for c in self.facts.criteria if data[score_name(f.bid.pk, c)]},
        } for f in self.facts.under_review]}


class QuestionForm(forms.Form):
    question = forms.CharField(label=gettext_lazy("Question to the bidder"), max_length=MAX_TEXT,
                               widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Your justification"), max_length=MAX_TEXT,
                             widget=forms.Textarea(attrs={"rows": 5}))
