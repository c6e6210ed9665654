"""/api/v1/evaluations: evaluations of the agreements the user may read, their frozen figures and reports."""

from __future__ import annotations

from typing import Any

from flask_smorest import abort

from gup import policy
from gup.evaluations import export, queries, services
from gup.evaluations.models import Evaluation, EvaluationVersion
from gup.evaluations.schemas import EvaluationOut, EvaluationQueryArgs, IndicatorsOut, VersionArgs
from gup.rest import api_blueprint, api_user, documents_errors, list_page, paginated

evaluations_api = api_blueprint("evaluations", "/evaluations",
                                "Évaluations : bilans annuels, mi-parcours, évaluations finales.")


def _readable(evaluation_id: int) -> Evaluation:
    evaluation = queries.evaluation_or_404(evaluation_id)
    policy.authorize(api_user(), "view", evaluation)
    return evaluation


def _version(evaluation: Evaluation, args: dict[str, Any]) -> EvaluationVersion:
    if "version" in args:
        version = next((v for v in evaluation.versions if v.number == args["version"]), None)
    else:
        version = evaluation.current_version or evaluation.draft_version
    if version is None:
        abort(404, message="Aucune version de cette évaluation n'a encore été calculée.")
    return version


@evaluations_api.route("", endpoint="index")
@evaluations_api.arguments(EvaluationQueryArgs, location="query")
@evaluations_api.response(200, EvaluationOut(many=True))
@paginated(evaluations_api)
@documents_errors(evaluations_api)
def list_evaluations(args: dict, pagination_parameters):
    """List the evaluations of the agreements the user may read, by due date; filters combine."""
    stmt = queries.evaluations_stmt(api_user(), agreement_id=args.get("agreement_id"),
                                    kind=args["kind"].value if args.get("kind") else None,
                                    status=args["status"].value if args.get("status") else None)
    return list_page(stmt, pagination_parameters)


@evaluations_api.route("/<int:evaluation_id>", endpoint="detail")
@evaluations_api.response(200, EvaluationOut)
@documents_errors(evaluations_api, 403, 404)
def get_evaluation(evaluation_id: int):
    """Return one evaluation with its versions."""
    return _readable(evaluation_id)


@evaluations_api.route("/<int:evaluation_id>/indicators", endpoint="indicators")
@evaluations_api.arguments(VersionArgs, location="query")
@evaluations_api.response(200, IndicatorsOut)
@documents_errors(evaluations_api, 403, 404)
def get_indicators(args: dict, evaluation_id: int):
    """The indicators of a version's snapshot (by default the latest frozen version, else the draft)."""
    version = _version(_readable(evaluation_id), args)
    snapshot = version.snapshot or {}
    return {"version": version.number, "period": snapshot.get("period"),
            "previous_period": snapshot.get("previous_period"), "indicators": snapshot.get("indicators", [])}


@evaluations_api.route("/<int:evaluation_id>/report.pdf", endpoint="report")
@evaluations_api.arguments(VersionArgs, location="query")
@evaluations_api.response(200, description="Le rapport PDF de la version.",
                          content_type="application/pdf")
@documents_errors(evaluations_api, 403, 404)
def get_report(args: dict, evaluation_id: int):
    """The report PDF of a version (by default the latest frozen version, else the draft)."""
    evaluation = _readable(evaluation_id)
    version = _version(evaluation, args)
    report = services.report_pdf(version)
    if report is None:
        abort(404, message="Le PDF de cette version n'existe pas.")
    content, sha256 = report
    return export.download(content, "application/pdf", export.filename(evaluation, version, "pdf"), sha256=sha256)
