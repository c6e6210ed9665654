"""Every audited model names itself and each audited field in French, on the model (gup.audit.labels)."""

from gup.audit import labels
from gup.findings.models import FindingStatus


def test_every_audited_model_and_field_has_a_label(app_ctx):
    models = labels.audited_models()
    assert {"Agreement", "Finding", "ResidentReport", "ReportCategory", "Open311Client"} <= set(models)
    missing = []
    for name, model in sorted(models.items()):
        if labels.entity_label(name) == name:
            missing.append(f"{name}: __audit_label__")
        declared = getattr(model, "__audit_fields__", {})
        missing += [f"{name}.{key}" for key in labels.audited_fields(model) if not declared.get(key)]
        # a label for a field that is no longer audited is a leftover too
        missing += [f"{name}.{key} (not audited)" for key in declared if key not in labels.audited_fields(model)]
    assert not missing, "audited without a French label: " + ", ".join(missing)


def test_history_values_are_shown_in_french(app_ctx):
    assert labels.entity_label("ResidentReport") == "du signalement"
    assert labels.field_label("Finding", "due_on") == "Échéance"
    assert labels.shown_value("Finding", "status", "out_of_scope") == str(FindingStatus.OUT_OF_SCOPE.label)
    assert labels.shown_value("Finding", "is_recurring", True) == "oui"
    assert labels.shown_value("Finding", "due_on", None) == "—"
    assert labels.shown_value("Finding", "status", "no-such-status") == "no-such-status"
