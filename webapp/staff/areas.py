"""The council's list of areas: officers add, rename and retire the places young people pick."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from consultations import areas
from consultations.db import in_transaction
from consultations.errors import InvalidInput
from webapp.staff import actor, bp, now
from webapp.staff.forms import AreaForm, split_aliases


@bp.route("/areas", methods=["GET", "POST"])
def areas_page() -> Response | tuple[str, int]:
    form = AreaForm()
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: areas.add_area(
                    form.name.data or "",
                    form.kind.data or "",
                    aliases=split_aliases(form.aliases.data),
                    actor=actor(),
                    now=now(),
                )
            )
        except InvalidInput as error:
            form.name.errors = [*form.name.errors, error.detail]
        else:
            return redirect(url_for("staff.areas_page"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "staff/areas.html",
        form=form,
        listed=[(a, areas.aliases_of(a)) for a in areas.all_areas(with_retired=True)],
    ), status


@bp.route("/areas/<area_key>", methods=["GET", "POST"])
def edit_area(area_key: str) -> Response | tuple[str, int]:
    key = area_key
    area = areas.by_key(key)
    if request.method == "GET":
        form = AreaForm(
            data={
                "name": area.name,
                "kind": area.kind.value,
                "aliases": ", ".join(areas.aliases_of(area)),
                "retired": area.retired,
            }
        )
    else:
        form = AreaForm()
    if form.validate_on_submit():

        def save() -> None:
            at = now()
            areas.rename_area(
                key,
                form.name.data or "",
                aliases=split_aliases(form.aliases.data),
                actor=actor(),
                now=at,
            )
            if bool(form.retired.data) != area.retired:
                areas.retire_area(key, retired=bool(form.retired.data), actor=actor(), now=at)

        try:
            in_transaction(save)
        except InvalidInput as error:
            form.name.errors = [*form.name.errors, error.detail]
        else:
            return redirect(url_for("staff.areas_page"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/area.html", form=form, area=area), status
