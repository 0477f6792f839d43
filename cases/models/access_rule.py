"""The access rule's SQL (DOMAIN.md §2), for ``CaseQuerySet.with_access_rule``.

Why SQL and not Exists/OuterRef: Django compiles the rule's four subqueries again for every
query that uses it, 1.7 ms each time (the case list, the case page, "Mina frister" twice),
though their text depends on nothing but the user's id and whether they have a staff
organisation (docs/performance.md). ``CaseCondition`` is an expression over the case's own
columns: Django compiles and relabels those like any column (so the rule works wherever the
case table is, in a subquery too), and puts this fixed text around them. The organisations go
in as one array parameter each, so the statement is the same, and prepared once, for everyone.

The rule itself, over a case ``c`` and the user's organisations in force with a case-access
role (``orgs``; ``staff``: those where they are not extern_deltagare):

* visible: one of ``orgs`` takes part in ``c``, as ``staff`` or covered by a consent in force
  (one EXISTS over the case's participations, the consent looked up only for an organisation
  that is not staff: the same cases as two alternatives, planned and run faster); and an
  avhopparuppdrag (process 003) only for the users assigned to it in each kommun, never the
  whole organisation: the assignment is an explicit per-case grant;
* ``shared_access``: ``c`` is owned by one of ``staff``, or a consent in force covers one of
  ``orgs`` that takes part;
* ``identity_visible``: the client has no protected identity, or the user holds a grant for
  this client.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Expression, F
from django.db.models.sql.compiler import SQLCompiler

from cases.states import CaseType


class CaseCondition(Expression):
    """A boolean over a case's columns: ``sql`` with ``{0}``, ``{1}``, … where the compiled
    ``columns`` go (lookups from the case, e.g. ``"client__protected_identity"``) and ``%s``
    for ``params``, in order."""

    def __init__(self, sql: str, columns: Sequence[str], params: Sequence[Any]) -> None:
        super().__init__(output_field=BooleanField())
        self.sql = sql
        self.columns: list[Any] = [F(column) for column in columns]
        self.params = list(params)

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.columns = list(exprs)

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, Any]:
        columns = []
        for column in self.columns:
            sql, params = compiler.compile(column)
            assert not params, "a column compiles to SQL alone"
            columns.append(sql)
        return f"({self.sql.format(*columns)})", list(self.params)


def _names() -> dict[str, str]:
    from cases.models.cases import CaseUserObjectPermission, Participation
    from cases.models.clients import ClientUserObjectPermission
    from cases.models.consent import Consent, ConsentParty

    def table(model: Any) -> str:
        return str(connection.ops.quote_name(model._meta.db_table))

    return {
        "participation": table(Participation),
        "consent": table(Consent),
        "consent_party": table(ConsentParty),
        "case_grant": table(CaseUserObjectPermission),
        "client_grant": table(ClientUserObjectPermission),
        "permission": table(CaseUserObjectPermission._meta.get_field("permission").related_model),
    }


# A consent in force of case {0} that covers the organisation ``covered``.
_CONSENT_COVERS = """SELECT 1 FROM {consent_party} rule_cp
        JOIN {consent} rule_c ON rule_c.id = rule_cp.consent_id
        WHERE rule_c.case_id = {{0}} AND rule_c.withdrawn_at IS NULL
          AND rule_cp.organisation_id = {covered}"""

# A guardian grant with this codename, to the user (%s), on the object {n}.
_GRANT = """SELECT 1 FROM {table} rule_g
        JOIN {permission} rule_p ON rule_p.id = rule_g.permission_id
        WHERE rule_g.content_object_id = {{{n}}} AND rule_g.user_id = %s
          AND rule_p.codename = '{codename}'"""


@functools.cache
def _visible_sql(with_staff: bool) -> str:
    """Over (id, case_type); parameters: orgs, [staff,] user id."""
    names = _names()
    as_staff = "rule_part.organisation_id = ANY(%s) OR " if with_staff else ""
    covered = _CONSENT_COVERS.format(**names, covered="rule_part.organisation_id")
    assigned = _GRANT.format(
        table=names["case_grant"],
        permission=names["permission"],
        n=0,
        codename="work_on_assigned_case",
    )
    # Table names from the models' meta and the code's own constants; every value is a parameter.
    return f"""EXISTS (SELECT 1 FROM {names["participation"]} rule_part
        WHERE rule_part.case_id = {{0}} AND rule_part.organisation_id = ANY(%s)
          AND ({as_staff}EXISTS ({covered})))
      AND ({{1}} <> '{CaseType.AVHOPPARUPPDRAG.value}' OR EXISTS ({assigned}))"""  # noqa: S608


@functools.cache
def _shared_access_sql(with_staff: bool) -> str:
    """Over (id, owner_organisation_id); parameters: [staff,] orgs."""
    names = _names()
    owned = "{1} = ANY(%s) OR " if with_staff else ""
    covered = _CONSENT_COVERS.format(**names, covered="ANY(%s)")
    return f"""{owned}EXISTS ({covered} AND EXISTS (
        SELECT 1 FROM {names["participation"]} rule_part
        WHERE rule_part.case_id = {{0}} AND rule_part.organisation_id = rule_cp.organisation_id))"""  # noqa: S608


@functools.cache
def _identity_visible_sql() -> str:
    """Over (client_id, client's protected_identity); parameter: user id."""
    names = _names()
    granted = _GRANT.format(
        table=names["client_grant"],
        permission=names["permission"],
        n=0,
        codename="view_protected_identity",
    )
    return f"NOT {{1}} OR EXISTS ({granted})"


def visible(user_id: int, orgs: Sequence[int], staff: Sequence[int]) -> CaseCondition:
    params: list[Any] = [list(orgs), *([list(staff)] if staff else []), user_id]
    return CaseCondition(_visible_sql(bool(staff)), ["id", "case_type"], params)


def shared_access(orgs: Sequence[int], staff: Sequence[int]) -> CaseCondition:
    params: list[Any] = [*([list(staff)] if staff else []), list(orgs)]
    return CaseCondition(_shared_access_sql(bool(staff)), ["id", "owner_organisation_id"], params)


def identity_visible(user_id: int) -> CaseCondition:
    return CaseCondition(
        _identity_visible_sql(), ["client_id", "client__protected_identity"], [user_id]
    )
