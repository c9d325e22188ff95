"""Who may use which staff page: one table, checked before every staff request."""

from __future__ import annotations

from consultations.staff_models import Role

ADMIN, OFFICER, YOUTH_WORKER, FORUM, SAFEGUARDING_LEAD = (
    Role.ADMIN,
    Role.OFFICER,
    Role.YOUTH_WORKER,
    Role.FORUM_MEMBER,
    Role.SAFEGUARDING_LEAD,
)
EVERYONE = frozenset(Role)
WRITERS = frozenset({ADMIN, OFFICER})
POLL_RUNNERS = frozenset({ADMIN, OFFICER, YOUTH_WORKER})
RESULT_READERS = EVERYONE
FORUM_READERS = frozenset({ADMIN, OFFICER, FORUM})
# Who decides what written answers may be shown, and who watches tension signals.
MODERATORS = frozenset({ADMIN, OFFICER, SAFEGUARDING_LEAD})
TENSION_READERS = frozenset({ADMIN, OFFICER, SAFEGUARDING_LEAD})
# Who reads disclosures and original, unredacted words.
SAFEGUARDING = frozenset({ADMIN, SAFEGUARDING_LEAD})

# Drafts on the front page: their writers, and youth workers, who print access codes before
# a consultation opens. A draft's results stay with the writers (``staff.results``).
DRAFT_LISTERS = POLL_RUNNERS

# Pages anyone may open, signed in or not.
PUBLIC_ENDPOINTS = frozenset({"staff.login", "forum.sign_in"})

ENDPOINT_ROLES: dict[str, frozenset[Role]] = {
    "staff.logout": EVERYONE,
    "staff.dashboard": EVERYONE,
    # Writing consultations and the glossary: officers.
    "staff.new_consultation": WRITERS,
    "staff.edit_consultation": WRITERS,
    "staff.readability": WRITERS,
    "staff.add_question": WRITERS,
    "staff.edit_question": WRITERS,
    "staff.move_question": WRITERS,
    "staff.delete_question": WRITERS,
    "staff.preview": WRITERS,
    "staff.publish": WRITERS,
    # Officers and youth workers invite young people to what is open.
    "staff.invite": POLL_RUNNERS,
    "staff.close": WRITERS,
    "staff.reopen": WRITERS,
    "staff.glossary": WRITERS,
    # The council's list of areas young people pick from.
    "staff.areas_page": WRITERS,
    "staff.edit_area": WRITERS,
    "staff.edit_term": WRITERS,
    # Translations of the youth text: whoever may write the English.
    "staff.translations_page": WRITERS,
    "staff.edit_translation": WRITERS,
    "staff.delete_translation": WRITERS,
    # Live polls and access-code sheets: whoever runs sessions with young people.
    "staff.polls": POLL_RUNNERS,
    "staff.new_poll": POLL_RUNNERS,
    "staff.big_screen": POLL_RUNNERS,
    "staff.present": POLL_RUNNERS,
    "staff.reveal_poll": POLL_RUNNERS,
    "staff.poll_results": POLL_RUNNERS,
    "staff.close_poll": POLL_RUNNERS,
    "staff.reopen_poll": POLL_RUNNERS,
    "staff.export_poll": POLL_RUNNERS,
    "staff.access_codes": POLL_RUNNERS,
    "staff.codes_required": POLL_RUNNERS,
    # Results: counts and breakdowns for everyone on the console (forum members included);
    # what young people wrote and row-level exports for officers only.
    "staff.results": RESULT_READERS,
    "staff.free_text": WRITERS,
    "staff.tag_answer": WRITERS,
    "staff.untag_answer": WRITERS,
    "staff.tag_ticked": WRITERS,
    # Themes found among written answers, and what officers make of them.
    "staff.find_themes": WRITERS,
    "staff.rename_theme": WRITERS,
    "staff.merge_themes": WRITERS,
    "staff.accept_themes": WRITERS,
    "staff.split_theme": WRITERS,
    "staff.discard_theme": WRITERS,
    "staff.restore_theme": WRITERS,
    "staff.move_to_theme": WRITERS,
    "staff.consultation_themes": WRITERS,
    "staff.find_consultation_themes": WRITERS,
    "staff.export": WRITERS,
    # "You said, we did", quotes and the partnership report: officers.
    "staff.feedback": WRITERS,
    "staff.draft_you_said": WRITERS,
    "staff.add_we_did": WRITERS,
    "staff.publish_feedback": WRITERS,
    "staff.feedback_preview": WRITERS,
    "staff.we_did_item": WRITERS,
    "staff.quote_form": WRITERS,
    "staff.quote_answer": WRITERS,
    "staff.unquote": WRITERS,
    "staff.reports_page": WRITERS,
    # The youth forum: its members, with officers and administrators looking on. Members
    # draft and vote; officers record the partnership's response.
    "forum.home": FORUM_READERS,
    "forum.results": FORUM_READERS,
    "forum.tracker": FORUM_READERS,
    "forum.report": FORUM_READERS,
    "forum.recommendations": FORUM_READERS,
    "forum.recommendation": FORUM_READERS,
    "forum.new_recommendation": frozenset({FORUM}),
    "forum.vote": frozenset({FORUM}),
    "forum.comment": frozenset({FORUM}),
    "forum.respond": WRITERS,
    # Moderation: redacted text only; originals and concerns for the safeguarding role.
    "staff.moderation": MODERATORS,
    "staff.moderate_answer": MODERATORS,
    "staff.undo_moderation": MODERATORS,
    "staff.approve_ticked": MODERATORS,
    "staff.undo_ticked": MODERATORS,
    "staff.safeguarding": SAFEGUARDING,
    "staff.handle_concern": SAFEGUARDING,
    "staff.tension": TENSION_READERS,
    # Accounts and the audit log: administrators.
    "staff.users": frozenset({ADMIN}),
    "staff.change_account": frozenset({ADMIN}),
    "staff.audit_log": frozenset({ADMIN}),
}


def allowed(endpoint: str | None, role: Role) -> bool:
    """Whether this role may use this endpoint; unknown endpoints are refused."""
    return endpoint is not None and role in ENDPOINT_ROLES.get(endpoint, frozenset())
