"""Diagnosis and recommendation (docs/method.md §1–§6): every decision as the owner would see it."""

import dataclasses
import itertools
import json
from decimal import Decimal

import pytest

from crm.diagnosis import (
    BAD_CLIENT_MIN_CRITERIA,
    DEFAULT_VALUE_THRESHOLDS,
    NEGATIVITY,
    NEGOTIATION,
    PROSPECTS,
    Answers,
    ValueThresholds,
    default_thresholds,
    diagnose,
    explain,
    recommend,
    severity_for_group,
)
from crm.domain import TEMPERAMENTS, TIERS
from crm.errors import UserError
from crm.playbook import ANTI_PATTERNS, BAD_CLIENT_CRITERIA, load_playbook

CRITERION_FIELD = {"rude": "rude_to_staff", "unfounded_demands": "unfounded_demands",
                   "threatens_reviews": "threatens_reviews"}


@pytest.mark.parametrize(("negativity", "irrational", "talks", "group", "because"), [
    ("off-scale", False, "yes", "A", "off the scale"),
    (3, False, "yes", "A", "off the scale"),
    ("low", True, "yes", "A", "irrationally"),
    ("high", False, "no", "A", "Refuses to negotiate while highly negative"),
    ("high", False, "yes", "B", "High negativity"),
    ("high", False, "only-for-gain", "B", "clear gain"),
    ("medium", False, "yes", "B", "Medium negativity"),
    (1, False, "yes", "B", "Medium negativity"),
    ("medium", False, "no", "B", "Does not want to negotiate"),
    ("low", False, "only-for-gain", "B", "clear gain"),
    ("low", False, "no", "B", "Does not want to negotiate"),
    ("low", False, "yes", "C", "wants to be negotiated with"),
    (0, False, "yes", "C", "wants to be negotiated with"),
])
def test_group_from_the_questions(negativity, irrational, talks, group, because):
    answers = Answers(negativity=negativity, irrational=irrational, ready_to_negotiate=talks)
    found = diagnose(answers)
    assert found.group == group
    assert any(because in reason for reason in found.group_reasons)


def test_group_reasons_come_in_russian_from_the_playbook():
    found = diagnose(Answers(negativity="off-scale", irrational=True), language="ru")
    assert found.language == "ru"
    assert found.group_reasons == (load_playbook("ru").message("group.off_scale"),
                                   load_playbook("ru").message("group.irrational"))


def test_no_sign_of_a_bad_client_means_a_difficult_client_worth_the_effort():
    found = diagnose(Answers())
    assert not found.bad_client and found.criteria_met == ()
    assert "26" in found.client_reasons[0]


@pytest.mark.parametrize("criterion", BAD_CLIENT_CRITERIA)
def test_each_sign_of_a_bad_client_is_named_but_one_alone_is_still_difficult(criterion):
    found = diagnose(Answers(**{CRITERION_FIELD[criterion]: True}))
    assert found.criteria_met == (criterion,)
    assert not found.bad_client
    assert load_playbook("en").difficult_vs_bad.criteria[criterion] in found.client_reasons


@pytest.mark.parametrize("pair", list(itertools.combinations(BAD_CLIENT_CRITERIA, BAD_CLIENT_MIN_CRITERIA)))
def test_two_signs_make_a_bad_client_parted_with_dignity_and_never_won_back(pair):
    answers = Answers(wants_to_leave=True, tier="key", yearly_revenue=Decimal(90000),
                      **{CRITERION_FIELD[c]: True for c in pair})
    found = diagnose(answers)
    assert found.bad_client and found.criteria_met == pair
    assert found.client_reasons[0].startswith("2 of the three signs")
    advice = recommend(answers, found)
    assert advice.strategy == "part"
    assert not advice.win_back and not advice.check_in
    assert advice.parting_steps == load_playbook("en").parting_steps
    assert advice.letter == "parting"
    assert advice.compensation.kind == "refund"
    assert [r.key for r in advice.remedies] == ["thank_and_part", "refund", "recommend_alternative"]


def test_all_three_signs_are_counted():
    found = diagnose(Answers(rude_to_staff=True, unfounded_demands=True, threatens_reviews=True))
    assert found.bad_client and found.criteria_met == BAD_CLIENT_CRITERIA
    assert found.client_reasons[0].startswith("3 of the three signs")


@pytest.mark.parametrize(("our_error", "within_scope", "fault", "because"), [
    (True, True, "ours", "Our real error"),
    (True, False, "ours", "Our real error"),  # our mistake comes first, whatever the scope
    (False, False, "out_of_scope", "show the agreed scope, it is extra work"),
    (False, True, "in_scope", "just do it"),
])
def test_our_error_or_an_out_of_scope_demand(our_error, within_scope, fault, because):
    found = diagnose(Answers(our_error=our_error, within_scope=within_scope))
    assert found.fault == fault
    assert any(because in reason for reason in found.fault_reasons)


def test_an_out_of_scope_demand_is_explained_citing_the_contract_and_not_compensated():
    answers = Answers(our_error=False, within_scope=False)
    advice = recommend(answers)
    keys = [r.key for r in advice.remedies]
    assert keys[:2] == ["explain_scope", "quote_extra_work"]
    assert "contract" in advice.remedies[0].text
    assert advice.compensation.kind == "none"
    assert advice.letter == "refusal"  # a courteous refusal citing the agreement, never an apology


def test_our_error_is_admitted_with_a_formal_apology_and_a_redo():
    advice = recommend(Answers(our_error=True))
    keys = [r.key for r in advice.remedies]
    assert keys[:2] == ["apology_letter", "redo"]
    assert advice.letter == "apology"
    assert {r.key: r.compensation_kind for r in advice.remedies}["redo"] == "redo"


@pytest.mark.parametrize(("tier", "revenue", "prospects", "value"), [
    ("key", 0, "unknown", "high"),
    ("regular", 20000, "unknown", "high"),
    ("regular", 5000, "good", "high"),
    ("regular", 5000, "unknown", "medium"),
    ("regular", 0, "good", "medium"),
    ("key", 0, "poor", "medium"),
    ("regular", 4999, "unknown", "low"),
    ("regular", 5000, "poor", "low"),
    ("regular", 90000, "poor", "medium"),
])
def test_client_value_with_its_reasons(tier, revenue, prospects, value):
    found = diagnose(Answers(tier=tier, yearly_revenue=Decimal(revenue), prospects=prospects))
    assert found.value == value
    assert len(found.value_reasons) == (3 if tier == "key" else 2)
    assert any(f"{Decimal(revenue):,.2f}" in reason for reason in found.value_reasons)


def test_value_thresholds_can_be_set():
    answers = Answers(yearly_revenue=Decimal(3000))
    assert diagnose(answers).value == "low"
    assert diagnose(answers, thresholds=ValueThresholds(high=Decimal(3000), medium=Decimal(1000))).value == "high"


def test_revenue_is_judged_against_its_own_currencys_thresholds():
    answers = Answers(yearly_revenue=Decimal(25000))
    euro = ValueThresholds(Decimal(10000), Decimal(2500), "EUR")
    assert diagnose(answers, thresholds=euro).value == "high"
    lei = diagnose(answers, thresholds=default_thresholds("RON"))
    assert lei.value == "medium"  # 25,000 RON is not a high-value client
    assert "25,000.00 RON (at least 25,000.00 RON)" in lei.value_reasons[0]
    assert {code for code in DEFAULT_VALUE_THRESHOLDS} >= {"EUR", "USD", "RON", "MDL", "RUB", "GBP"}
    unknown = diagnose(answers, thresholds=default_thresholds("XAF"))
    assert unknown.value == "low" and "not judged" in unknown.value_reasons[0]


@pytest.mark.parametrize(("answers", "letter"), [
    (Answers(our_error=True), "apology"),
    (Answers(our_error=True, unfounded_demands=True), "apology"),  # we erred: we apologise
    (Answers(within_scope=False), "refusal"),
    (Answers(unfounded_demands=True), "refusal"),
    (Answers(rude_to_staff=True, threatens_reviews=True, our_error=True), "parting"),
    (Answers(), None),  # a small fix within scope: no letter owed
])
def test_the_letter_follows_the_diagnosis(answers, letter):
    assert recommend(answers).letter == letter


def test_wanting_to_leave_is_respected_rather_than_started_over():
    advice = recommend(Answers(negativity="low", tier="key", prospects="good", wants_to_leave=True, our_error=True))
    assert advice.strategy == "soften_blow" and advice.win_back
    assert load_playbook("en").message("strategy.wants_to_leave") in advice.reasons


def test_severity_follows_the_group():
    assert [severity_for_group(g) for g in "ABC"] == ["high", "medium", "low"]


@pytest.mark.parametrize("language", ("en", "ru", "ro"))
def test_the_verdict_explains_itself_in_plain_words(language):
    answers = Answers(negativity="medium", rude_to_staff=True, our_error=False, within_scope=False,
                      tier="key", yearly_revenue=Decimal(40000))
    found = diagnose(answers, language=language)
    advice = recommend(answers, found, language=language)
    assert advice.strategy == "start_over"
    lines = explain(found, advice)
    book = load_playbook(language)
    text = "\n".join(lines)
    assert book.groups["B"].name in text and book.groups["B"].summary in text  # the group with its meaning
    assert book.difficult_vs_bad.criteria["rude"] in text  # the sign that was met
    assert book.message("fault.out_of_scope") in text  # whose fault
    assert book.message("value.level.high") in text  # the client's value
    assert "26" in text and book.difficult_vs_bad.pareto in text
    assert book.strategies["start_over"].name in text and book.strategies["start_over"].essence in text
    assert "start_over" not in text and "out_of_scope" not in text  # no keys without their meaning


def test_a_bad_clients_verdict_names_every_sign_and_skips_the_silent_26():
    answers = Answers(rude_to_staff=True, unfounded_demands=True, threatens_reviews=True)
    found = diagnose(answers)
    text = "\n".join(explain(found, recommend(answers, found)))
    assert "3 of 3" in text and "26" not in text and "This one belongs with the trouble." in text


@pytest.mark.parametrize(("negativity", "talks", "tier", "prospects", "strategy"), [
    ("medium", "only-for-gain", "key", "unknown", "start_over"),  # B, promising
    ("low", "yes", "regular", "good", "start_over"),  # C, promising: "sometimes C"
    ("medium", "yes", "regular", "unknown", "soften_blow"),  # B, not promising
    ("low", "yes", "regular", "poor", "soften_blow"),  # C, not promising
    ("off-scale", "yes", "key", "good", "soften_blow"),  # A: never start over, however valuable
])
def test_start_over_only_for_a_promising_b_or_c(negativity, talks, tier, prospects, strategy):
    answers = Answers(negativity=negativity, ready_to_negotiate=talks, tier=tier, prospects=prospects,
                      our_error=True)
    advice = recommend(answers)
    assert advice.strategy == strategy
    assert advice.strategy_name == load_playbook("en").strategies[strategy].name
    assert advice.reasons


def test_group_a_says_why_it_does_not_start_over():
    advice = recommend(Answers(negativity="off-scale", tier="key", prospects="good"))
    assert advice.reasons[0] == load_playbook("en").message("strategy.never_a")


_EVERY_CASE = list(itertools.product(
    ("low", "medium", "high", "off-scale"), (False, True), ("yes", "only-for-gain", "no"),
    ("key", "regular"), ("good", "unknown", "poor"), (Decimal(0), Decimal(50000)),
    (False, True), (False, True), (False, True), ((), ("rude",), ("rude", "threatens_reviews")),
))


def test_the_rules_hold_for_every_combination_of_answers():
    """Never start over in group A, never an anti-pattern, always warned, always three remedies."""
    for (negativity, irrational, talks, tier, prospects, revenue, our_error, in_scope, leaving,
         signs) in _EVERY_CASE:
        answers = Answers(negativity=negativity, irrational=irrational, ready_to_negotiate=talks, tier=tier,
                          prospects=prospects, yearly_revenue=revenue, our_error=our_error,
                          within_scope=in_scope, wants_to_leave=leaving,
                          **{CRITERION_FIELD[c]: True for c in signs})
        found = diagnose(answers)
        advice = recommend(answers, found)
        case = answers.to_dict()
        assert not (found.group == "A" and advice.strategy == "start_over"), case
        assert advice.strategy not in ANTI_PATTERNS, case
        assert tuple(w.key for w in advice.warnings) == ANTI_PATTERNS, case
        assert all(w.text and w.name for w in advice.warnings), case
        assert len(advice.remedies) >= 3, case
        assert len({r.key for r in advice.remedies}) == len(advice.remedies), case
        assert (advice.strategy == "part") == found.bad_client, case
        assert advice.win_back == (leaving and not found.bad_client), case
        assert found.reasons and advice.reasons and advice.compensation.reasons, case


@pytest.mark.parametrize("language", ("en", "ru", "ro"))
@pytest.mark.parametrize("temperament", TEMPERAMENTS)
def test_the_temperaments_approach_comes_with_the_recommendation(language, temperament):
    advice = recommend(Answers(temperament=temperament), language=language)
    approach = load_playbook(language).temperaments[temperament].approach
    assert advice.approach == approach
    assert any(approach in reason for reason in advice.reasons)


def test_no_temperament_no_approach():
    advice = recommend(Answers())
    assert advice.temperament is None and advice.approach == ""


@pytest.mark.parametrize(("answers", "kind"), [
    (Answers(tier="key", negativity="medium", our_error=True), "double"),  # key client, group B
    (Answers(yearly_revenue=Decimal(50000), wants_to_leave=True, our_error=True), "double"),
    (Answers(tier="key", negativity="low", ready_to_negotiate="yes", our_error=True), "bonus"),  # C, staying
    (Answers(negativity="medium", our_error=True), "bonus"),  # at risk, but not highly valued
    (Answers(negativity="low", wants_to_leave=True, our_error=True), "gift"),  # a consolation for one who leaves
    (Answers(negativity="medium", ready_to_negotiate="only-for-gain", prospects="good", our_error=True),
     "discount"),  # group B, negotiating for a clear gain, worth buying back
    (Answers(tier="key", wants_to_leave=True, within_scope=False), "none"),  # out of scope
    (Answers(unfounded_demands=True), "none"),  # an unfounded demand is declined
    (Answers(negativity="low"), "none"),  # a small fix within scope, not our error: just do it
    (Answers(rude_to_staff=True, unfounded_demands=True), "refund"),  # a bad client: part, refund
])
def test_compensation_advice(answers, kind):
    assert recommend(answers).compensation.kind == kind


def test_a_compensation_seeker_is_answered_with_exact_figures():
    reasons = recommend(Answers(temperament="compensation-seeker", our_error=True)).compensation.reasons
    assert reasons[-1] == load_playbook("en").message("comp.seeker")


def test_a_valuable_client_to_start_over_with_gets_the_full_menu():
    advice = recommend(Answers(negativity="medium", tier="key", yearly_revenue=Decimal(60000), our_error=True))
    assert advice.strategy == "start_over"
    assert [r.key for r in advice.remedies] == [
        "apology_letter", "redo", "future_discount", "extra_need", "gift_to_office", "restaurant",
        "personal_meeting"]


def test_a_leaving_client_is_respected_and_kept_in_touch_with():
    advice = recommend(Answers(wants_to_leave=True, our_error=True))
    assert advice.win_back and advice.check_in
    assert load_playbook("en").message("strategy.wants_to_leave") in advice.reasons


def test_the_recommendation_speaks_russian():
    advice = recommend(Answers(temperament="fierce", our_error=True), language="ru")
    book = load_playbook("ru")
    assert advice.language == "ru"
    assert advice.strategy_name == book.strategies[advice.strategy].name
    assert advice.warnings[0].text == book.strategies["counter_attack"].warning
    assert advice.remedies[0].title == book.remedies["apology_letter"].title


@pytest.mark.parametrize(("field", "value", "says"), [
    ("negativity", "furious", "unknown negativity: 'furious'"),
    ("negativity", 4, "unknown negativity: 4"),
    ("negativity", -1, "unknown negativity: -1"),
    ("negativity", True, "unknown negativity: True"),
    ("ready_to_negotiate", "maybe", "unknown readiness to negotiate: 'maybe'"),
    ("temperament", "grumpy", "unknown temperament: 'grumpy'"),
    ("tier", "gold", "unknown tier: 'gold'"),
    ("prospects", "bright", "unknown prospects: 'bright'"),
    ("yearly_revenue", Decimal(-1), "yearly revenue must be a non-negative amount"),
    ("yearly_revenue", "lots", "yearly revenue is not an amount: 'lots'"),
    ("yearly_revenue", Decimal("NaN"), "yearly revenue must be a non-negative amount"),
    ("our_error", "maybe", "answer yes or no for our error: 'maybe'"),
    ("wants_to_leave", 1, "answer yes or no for wants to leave: 1"),
])
def test_bad_answers_are_refused_with_a_clear_message(field, value, says):
    with pytest.raises(UserError) as refused:
        Answers(**{field: value})
    assert str(refused.value).startswith(says)


def test_yes_and_no_are_accepted_as_the_wizard_offers_them():
    assert Answers(our_error="yes", within_scope="no", irrational="no") == Answers(
        our_error=True, within_scope=False, irrational=False)


@pytest.mark.parametrize("language", ("en", "ru", "ro"))
def test_the_playbook_asks_every_question_with_the_accepted_options(language):
    questions = load_playbook(language).questions
    assert set(questions) == {f.name for f in dataclasses.fields(Answers)}
    allowed = {"negativity": NEGATIVITY, "ready_to_negotiate": NEGOTIATION, "tier": TIERS, "prospects": PROSPECTS,
               "temperament": (), "yearly_revenue": ()}
    for key, question in questions.items():
        assert question.text
        assert tuple(question.options) == allowed.get(key, ("yes", "no")), key
        assert all(question.options.values()), key


def test_answers_survive_a_save_and_resume_as_json():
    answers = Answers(negativity=2, temperament="whiny", tier="key", yearly_revenue=Decimal("12500.50"),
                      prospects="good", wants_to_leave=True, rude_to_staff=True)
    assert answers.negativity == "high"
    restored = Answers.from_dict(json.loads(json.dumps(answers.to_dict())))
    assert restored == answers
    assert Answers.from_dict({"negativity": "low", "from_an_older_version": 1}) == Answers(negativity="low")


def test_results_are_plain_data():
    answers = Answers(our_error=True)
    found = diagnose(answers)
    advice = recommend(answers, found)
    json.dumps(dataclasses.asdict(found))
    json.dumps(dataclasses.asdict(advice))
