"""The complaints piccolo app."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from salonkeep.core.complaints.feedback_tables import SurveyAnswer
from salonkeep.core.complaints.tables import (
    Complaint,
    ComplaintAttachment,
    ComplaintEscalation,
    ComplaintRound,
)

APP_CONFIG = AppConfig(
    app_name="complaints",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Complaint, ComplaintRound, ComplaintAttachment, ComplaintEscalation, SurveyAnswer],
    migration_dependencies=["salonkeep.tenants.piccolo_app", "salonkeep.core.clients.piccolo_app"],
    commands=[],
)
