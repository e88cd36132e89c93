"""The pages. Each route's view lives in the module named beside it."""

from django.urls import path

from .views import audit, coalitions, decision_kinds, decisions, facilitation, groups, home, membership, people, tokens

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("c/new/", coalitions.create, name="coalition_create"),
    path("c/<slug:slug>/", coalitions.detail, name="coalition"),
    path("c/<slug:slug>/settings/", coalitions.settings, name="coalition_settings"),
    path("c/<slug:slug>/groups/", groups.index, name="groups"),
    path("c/<slug:slug>/groups/new/", groups.create, name="group_create"),
    path("c/<slug:slug>/groups/<int:group_id>/", groups.detail, name="group"),
    path("c/<slug:slug>/groups/<int:group_id>/edit/", groups.edit, name="group_edit"),
    path("c/<slug:slug>/groups/<int:group_id>/leave/", membership.group_leave, name="group_leave"),
    path("c/<slug:slug>/people/", people.index, name="people"),
    path("c/<slug:slug>/people/new/", people.create, name="person_create"),
    path("c/<slug:slug>/people/<int:person_id>/", people.detail, name="person"),
    path("c/<slug:slug>/people/<int:person_id>/edit/", people.edit, name="person_edit"),
    path("c/<slug:slug>/people/<int:person_id>/coordinator/", people.coordinator, name="person_coordinator"),
    path("c/<slug:slug>/people/<int:person_id>/groups/", people.add_group, name="person_add_group"),
    path("c/<slug:slug>/affiliations/<int:affiliation_id>/delegate/", people.delegate, name="affiliation_delegate"),
    path("c/<slug:slug>/affiliations/<int:affiliation_id>/end/", membership.affiliation_end, name="affiliation_end"),
    path("c/<slug:slug>/join/", membership.join, name="join"),
    path("c/<slug:slug>/applications/", membership.applications, name="applications"),
    path("c/<slug:slug>/applications/<int:application_id>/", membership.application, name="application"),
    path(
        "c/<slug:slug>/applications/<int:application_id>/withdraw/",
        membership.application_withdraw,
        name="application_withdraw",
    ),
    path("c/<slug:slug>/invitations/", membership.invitations, name="invitations"),
    path(
        "c/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        membership.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invite/<str:token>/", membership.invitation, name="invitation"),
    path("c/<slug:slug>/leave/", membership.leave, name="leave"),
    path("c/<slug:slug>/decisions/", decisions.proposals, name="proposals"),
    path("c/<slug:slug>/decisions/new/", decisions.proposal_create, name="proposal_create"),
    path("c/<slug:slug>/decisions/<int:proposal_id>/", decisions.proposal, name="proposal"),
    path("c/<slug:slug>/decisions/<int:proposal_id>/stance/", decisions.proposal_stance, name="proposal_stance"),
    path("c/<slug:slug>/decisions/<int:proposal_id>/withdraw/", decisions.proposal_withdraw, name="proposal_withdraw"),
    path(
        "c/<slug:slug>/decisions/<int:proposal_id>/next-round/",
        decisions.proposal_next_round,
        name="proposal_next_round",
    ),
    path("c/<slug:slug>/decisions/<int:proposal_id>/history/", decisions.proposal_history, name="proposal_history"),
    path("c/<slug:slug>/decision-kinds/", decision_kinds.decision_kinds, name="decision_kinds"),
    path("c/<slug:slug>/decision-kinds/new/", decision_kinds.decision_kind_create, name="decision_kind_create"),
    path(
        "c/<slug:slug>/decision-kinds/<int:kind_id>/edit/",
        decision_kinds.decision_kind_edit,
        name="decision_kind_edit",
    ),
    path("c/<slug:slug>/decision-kinds/weights/", decision_kinds.agreed_weights, name="agreed_weights"),
    path("c/<slug:slug>/decision-kinds/simulate/", decision_kinds.rule_simulator, name="rule_simulator"),
    path("c/<slug:slug>/audit/", audit.index, name="audit"),
    path("account/tokens/", tokens.index, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", tokens.revoke, name="token_revoke"),
    path("c/<slug:slug>/decisions/<int:proposal_id>/facilitate/", facilitation.facilitate, name="proposal_facilitate"),
    path("c/<slug:slug>/decisions/<int:proposal_id>/projector/", facilitation.projector, name="proposal_projector"),
    path("c/<slug:slug>/decisions/<int:proposal_id>/tally/", facilitation.tally, name="proposal_tally"),
]
