"""Staff and their roles: one row per role held (full name, phone, e-mail, role, unit code, from/to). The
person's account is found by phone number (their sign-in name), else by e-mail, or created without a password;
each role is assigned through the registry's role service (audited); each new account gets a one-time
activation link (by e-mail on commit, or on the printable sheet of the import). A role already held is left
unchanged. Commune officers import the village roles of their commune; administrators every role."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.accounts import create_accounts, is_phone, normalise_phone
from registry.models import ROLE_LEVELS, AdministrativeUnit, Role, RoleAssignment, UnitLevel
from registry.permissions import can_manage_role
from registry.services import NewRole, assign_roles
from registry.text import fold

from .base import IMPORT_ROLES, Column, ImportKind, Progress, Report, RowRejected, check_cells, chunks
from .parsing import Sheet
from .villages import parse_date

R = Role
# What people write in the role column (folded); the English codes are accepted too.
ROLE_WORDS = {
    R.VILLAGE_OFFICER: ("Cán bộ chi hội khuyến học", "Chi hội trưởng khuyến học", "Cán bộ chi hội"),
    R.ASSESSOR: ("Người chấm điểm", "Người đánh giá"),
    R.VILLAGE_HEAD: ("Trưởng thôn/Tổ trưởng", "Trưởng thôn", "Tổ trưởng tổ dân phố", "Trưởng bản"),
    R.COMMUNE_OFFICER: ("Cán bộ xã", "Cán bộ văn hóa xã"),
    R.COMMUNE_CHAIR: ("Chủ tịch UBND xã", "Chủ tịch", "Phó Chủ tịch UBND xã"),
    R.AUDITOR: ("Cán bộ hậu kiểm",),
    R.SUPERVISOR: ("Giám sát",),
    R.INSPECTOR: ("Thanh tra",),
    R.ADMINISTRATOR: ("Quản trị",),
}
ROLES = {fold(word): code for code, words in ROLE_WORDS.items() for word in (*words, code)}
BATCH = 500  # roles assigned (and progress shown) per batch


def label(choice) -> str:
    """A role's or level's name for the stored report (in the site's language: reports are stored as text)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(choice.label if hasattr(choice, "label") else UnitLevel(choice).label)


@dataclass
class RolePlan:
    row: int
    full_name: str
    phone: str
    email: str
    role: str
    unit: AdministrativeUnit
    valid_from: datetime.date
    valid_to: datetime.date | None
    user_id: int | None = None  # the matched account


class StaffImport(ImportKind):
    key = "staff"
    slug = "can-bo-va-vai-tro"
    label = gettext_lazy("Staff and their roles")
    import_roles = IMPORT_ROLES
    columns = (
        Column("full_name", "Họ và tên", max_length=150, width=28),
        Column("phone", "Số điện thoại", max_length=20, width=16),
        Column("email", "Thư điện tử", required=False, max_length=254, width=28),
        Column("role", "Vai trò", width=26),
        Column("unit_code", "Mã đơn vị", max_length=40, width=16),
        Column("valid_from", "Từ ngày", required=False, width=14),
        Column("valid_to", "Đến ngày", required=False, width=14),
    )
    sheet_title = "Can bo"
    file_stem = "mau-nhap-can-bo-va-vai-tro"
    event_type = "registry.staff_imported"

    def guide(self) -> list[str]:
        return [
            _("One row per role a person holds on a unit (a person with two roles has two rows)."),
            _(
                "Phone: the person's mobile number, 10 digits starting with 0; it is their sign-in name and "
                "finds their account on re-import. E-mail: optional; the activation link is sent there."
            ),
            _("Role: one of %(values)s.") % {"values": ", ".join(w[0] for w in ROLE_WORDS.values())},
            _(
                "Unit code: the village, commune or province where the role is held "
                "(its level must allow the role)."
            ),
            _("From/to: dd/mm/yyyy; from defaults to today, to may stay empty (no end date)."),
            _(
                "New accounts have no password: each person sets their own through a one-time link, sent by "
                "e-mail or printed on the import's activation sheet."
            ),
            _("A role already held is left unchanged. Nothing is imported while any row has an error."),
        ]

    def validate(self, sheet: Sheet, *, scope: list[str] | None, actor=None) -> Report:
        report = Report(rows=len(sheet.rows))
        today = timezone.localdate()
        rows = []
        for number, cells in sheet.rows:
            problems = len(report.errors)
            check_cells(report, self, number, cells)
            phone = normalise_phone(cells["phone"])
            if cells["phone"] and not is_phone(phone):
                report.error(number, "bad_phone", value=cells["phone"])
            email = cells.get("email", "").lower()
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    report.error(number, "bad_email", value=cells["email"])
            role = ROLES.get(fold(cells["role"])) if cells["role"] else None
            if cells["role"] and role is None:
                values = ", ".join(w[0] for w in ROLE_WORDS.values())
                report.error(number, "unknown_role", value=cells["role"], values=values)
            dates = []
            for key, header in (("valid_from", "Từ ngày"), ("valid_to", "Đến ngày")):
                day = parse_date(cells[key]) if cells.get(key) else None
                if cells.get(key) and day is None:
                    report.error(number, "bad_date", column=header, value=cells[key])
                dates.append(day)
            valid_from, valid_to = dates[0] or today, dates[1]
            if valid_to is not None and valid_to < valid_from:
                report.error(number, "dates_order")
            clean = len(report.errors) == problems
            rows.append((number, cells, phone, email, role, valid_from, valid_to, clean))
        self._check_people(report, rows)
        self._check_units(report, rows, scope, actor)
        report.sort()
        return report

    def _check_people(self, report: Report, rows) -> None:
        """One person, one phone: an e-mail given with two phones, or a phone given to two names, is
        refused."""
        by_email: dict[str, tuple[int, str]] = {}
        by_phone: dict[str, tuple[int, str]] = {}
        for number, cells, phone, email, *_rest in rows:
            if not phone:
                continue
            if email:
                first = by_email.setdefault(email, (number, phone))
                if first[1] != phone:
                    report.error(
                        number,
                        "phone_conflict",
                        name=cells["full_name"],
                        first_phone=first[1],
                        first=first[0],
                        phone=phone,
                    )
            name = fold(cells["full_name"])
            first = by_phone.setdefault(phone, (number, name))
            if first[1] != name:
                report.error(
                    number, "phone_other_person", phone=phone, other=cells["full_name"], first=first[0]
                )

    def _check_units(self, report: Report, rows, scope, actor) -> None:
        from registry.selectors import path_q

        codes = {cells["unit_code"] for _n, cells, *_r in rows if cells["unit_code"]}
        units: dict[str, AdministrativeUnit] = {}
        for chunk in chunks(codes):
            qs = AdministrativeUnit.objects.filter(code__in=chunk)
            if scope is not None:
                qs = qs.filter(path_q(scope))
            units.update({u.code: u for u in qs})
        User = get_user_model()
        phones = {phone for _n, _c, phone, *_r in rows if phone}
        emails = {email for _n, _c, _p, email, *_r in rows if email}
        accounts = {}
        for chunk in chunks(phones):
            accounts.update(dict(User.objects.filter(username__in=chunk).values_list("username", "pk")))
        by_email: dict[str, tuple[int, str]] = {}
        for chunk in chunks(emails):
            for pk, username, email in User.objects.filter(email__in=chunk).values_list(
                "pk", "username", "email"
            ):
                by_email.setdefault(email.lower(), (pk, username))
        plans: list[RolePlan] = []
        refused = {e["row"] for e in report.errors}  # by the people checks (this loop skips its own)
        first_role: dict[tuple, int] = {}
        for number, cells, phone, email, role, valid_from, valid_to, clean in rows:
            unit = units.get(cells["unit_code"])
            if cells["unit_code"] and unit is None:
                report.error(number, "unknown_unit", code=cells["unit_code"])
                continue
            if unit is None or role is None:
                continue
            if unit.level not in ROLE_LEVELS[role]:
                report.error(
                    number,
                    "role_level",
                    role=label(Role(role)),
                    level=unit.get_level_display(),
                    code=unit.code,
                )
                continue
            if actor is not None and not can_manage_role(actor, role, unit):
                report.error(number, "role_not_yours", role=label(Role(role)), code=unit.code)
                continue
            key = (phone, role, unit.pk)
            if key in first_role:
                report.error(number, "duplicate_role", first=first_role[key])
                continue
            first_role[key] = number
            user_id = accounts.get(phone)
            if user_id is None and email in by_email:
                other_pk, other_username = by_email[email]
                if is_phone(other_username):
                    report.error(number, "email_other_person", email=email, phone=other_username)
                    continue
                user_id = other_pk
            if clean and number not in refused:
                plans.append(
                    RolePlan(
                        number, cells["full_name"], phone, email, role, unit, valid_from, valid_to, user_id
                    )
                )
        # a role already held (active on its first day, or recorded from the same day) is left unchanged
        held = set()
        user_ids = {p.user_id for p in plans if p.user_id}
        for chunk in chunks(user_ids):
            for assignment in RoleAssignment.objects.filter(user_id__in=chunk):
                held.add((assignment.user_id, assignment.role, assignment.unit_id, assignment.valid_from))
                if assignment.valid_to is None or assignment.valid_to >= timezone.localdate():
                    held.add((assignment.user_id, assignment.role, assignment.unit_id, None))
        for plan in plans:
            key = (plan.user_id, plan.role, plan.unit.pk)
            if plan.user_id and ((*key, plan.valid_from) in held or (*key, None) in held):
                report.existing += 1
            else:
                report.new.append(plan)
        report.linked = len({p.phone for p in report.new if p.user_id is None})

    def write(self, report: Report, *, actor, progress: Progress = None, source: str = "") -> dict[str, int]:
        """New accounts, then every role through the registry's role service (assign_roles: assign_role's
        checks, memberships and one audit event each), in batches with progress; e-mails on commit."""
        from registry.tasks import send_activation_emails

        model = get_user_model()
        users = {u.pk: u for u in model.objects.filter(pk__in={p.user_id for p in report.new if p.user_id})}
        people = {}
        for plan in report.new:
            if plan.user_id is None:
                people.setdefault(plan.phone, (plan.phone, plan.full_name, plan.email))
        taken = set(model.objects.filter(username__in=list(people)).values_list("username", flat=True))
        if taken:  # an account made meanwhile under one of the phones
            plan = next(p for p in report.new if p.phone in taken)
            raise RowRejected(plan.row, "phone_other_person", phone=plan.phone, other="", first=plan.row)
        new_accounts = create_accounts(list(people.values()), actor=actor, source=source)
        by_phone = {u.username: u for u in new_accounts}
        done = 0
        for start in range(0, len(report.new), BATCH):
            batch = report.new[start : start + BATCH]
            roles = [
                NewRole(
                    users[p.user_id] if p.user_id else by_phone[p.phone],
                    p.role,
                    p.unit,
                    p.valid_from,
                    p.valid_to,
                )
                for p in batch
            ]
            try:
                assign_roles(roles, actor=actor, source=source)
            except ValidationError as exc:
                raise RowRejected(batch[0].row, "registry_refused", reason=" ".join(exc.messages)) from exc
            done += len(batch)
            if progress is not None:
                progress(done)
        mailed = [u.pk for u in new_accounts if u.email]
        if mailed:
            transaction.on_commit(lambda: send_activation_emails.delay(mailed))
        return {"created": len(report.new), "existing": report.existing, "linked": len(new_accounts)}


STAFF = StaffImport()
