"""deploy/: the files parse, name only settings the configuration knows, and wire up what the
operations guide promises (non-root image with a healthcheck, probes, PDB, HPA, migration Job)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SETTING = re.compile(r"\bSALONKEEP_[A-Z0-9_]*[A-Z0-9]\b")
DOCKERFILE_INSTRUCTIONS = {
    "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
    "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
}  # fmt: skip


def documented_settings() -> set[str]:
    """Every variable docs/configuration.md names above its "Tests" section (the table's rows,
    and the companions a row names, such as a provider's URL and credentials)."""
    text = (ROOT / "docs" / "configuration.md").read_text().split("\n## Tests")[0]
    return set(SETTING.findall(text))


def settings_read_by_the_code() -> set[str]:
    """Every SALONKEEP_* name the product's code reads: written out in full, or given without
    the prefix to a reader helper (``_env("PORT")``, ``_int_env("DELIVERY_BATCH")``)."""
    found: set[str] = set()
    for folder in ("core", "tenants", "web", "workers", "plugins"):
        for source in (ROOT / folder).rglob("*.py"):
            text = source.read_text()
            found |= set(SETTING.findall(text))
            for name in re.findall(r'\b_[a-z_]*(?:env|path_or_none)\("([A-Z][A-Z0-9_]+)"', text):
                found.add(name if name.startswith("SALONKEEP_") else f"SALONKEEP_{name}")
    return found


def deploy_files() -> list[Path]:
    return sorted(p for p in DEPLOY.rglob("*") if p.is_file())


def test_the_configuration_reference_documents_every_setting_the_code_reads():
    undocumented = settings_read_by_the_code() - documented_settings()
    assert not undocumented, f"read by the code but missing from docs/configuration.md: {undocumented}"
    assert {"SALONKEEP_DATABASE_URL", "SALONKEEP_MASTER_KEY", "SALONKEEP_REDIS_URL"} <= documented_settings()


def test_deploy_files_and_the_operations_guide_name_only_known_settings():
    known = documented_settings()
    for path in [*deploy_files(), ROOT / "docs" / "operations.md"]:
        unknown = set(SETTING.findall(path.read_text())) - known
        assert not unknown, f"{path.relative_to(ROOT)} names unknown settings {unknown}"


def test_yaml_files_parse():
    files = sorted(DEPLOY.rglob("*.yaml"))
    assert len(files) >= 8
    for path in files:
        documents = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
        assert documents, path


def _dockerfile_instructions() -> list[tuple[str, str]]:
    lines = (DEPLOY / "Dockerfile").read_text().splitlines()
    instructions: list[tuple[str, str]] = []
    buffer = ""
    for line in lines:
        if not buffer and (not line.strip() or line.lstrip().startswith("#")):
            continue
        buffer += line.rstrip().removesuffix("\\") + " "
        if not line.rstrip().endswith("\\"):
            word, _, rest = buffer.strip().partition(" ")
            instructions.append((word.upper(), rest.strip()))
            buffer = ""
    assert not buffer, "the Dockerfile ends inside a continued line"
    return instructions


def test_dockerfile_parses_runs_as_non_root_with_a_healthcheck_and_the_entrypoint():
    instructions = _dockerfile_instructions()
    for word, _ in instructions:
        assert word in DOCKERFILE_INSTRUCTIONS, word
    final_stage = instructions[max(i for i, (w, _) in enumerate(instructions) if w == "FROM") :]
    users = [rest for word, rest in final_stage if word == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    health = [rest for word, rest in final_stage if word == "HEALTHCHECK"]
    assert health and "healthcheck" in health[0]
    entrypoint = [rest for word, rest in final_stage if word == "ENTRYPOINT"]
    assert entrypoint == ['["salonkeep-entrypoint"]']
    copies = [rest for word, rest in instructions if word == "COPY"]
    assert any("deploy/container/entrypoint.sh" in c for c in copies)
    for copied in copies:  # everything copied from the build context exists
        if "--from" in copied:
            continue
        for source in shlex.split(copied)[:-1]:
            assert (ROOT / source).exists(), source


def _k8s_documents() -> list[dict]:
    docs = []
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d and "metadata" in d]
    return docs


def _pod_spec(doc: dict) -> dict:
    return doc["spec"]["template"]["spec"]


def test_kubernetes_manifests_have_every_part_and_they_fit_together():
    docs = _k8s_documents()
    by_kind: dict[str, list[dict]] = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], []).append(doc)
    wanted = ("Deployment", "Job", "Secret", "ConfigMap", "PodDisruptionBudget", "HorizontalPodAutoscaler")
    for kind in wanted:
        assert kind in by_kind, kind
    deployments = {d["metadata"]["name"]: d for d in by_kind["Deployment"]}
    web, worker = deployments["salonkeep-web"], deployments["salonkeep-worker"]
    assert _pod_spec(web)["containers"][0]["args"] == ["web"]
    assert _pod_spec(worker)["containers"][0]["args"] == ["worker"]
    assert _pod_spec(by_kind["Job"][0])["containers"][0]["args"] == ["migrate"]
    web_container = _pod_spec(web)["containers"][0]
    assert web_container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert web_container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert _pod_spec(worker)["containers"][0]["livenessProbe"]["exec"]["command"][-2:] == [
        "healthcheck",
        "worker",
    ]
    names = {(d["kind"], d["metadata"]["name"]) for d in docs}
    for workload in [web, worker, by_kind["Job"][0]]:
        pod = _pod_spec(workload)
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            for source in container.get("envFrom", []):
                kind = "Secret" if "secretRef" in source else "ConfigMap"
                ref = source.get("secretRef") or source.get("configMapRef")
                assert (kind, ref["name"]) in names, ref
        for volume in pod.get("volumes", []):
            if "persistentVolumeClaim" in volume:
                assert ("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"]) in names
    secrets = {k for s in by_kind["Secret"] for k in s["stringData"]}
    assert "SALONKEEP_MASTER_KEY" in secrets
    web_labels = web["spec"]["template"]["metadata"]["labels"]
    pdb_selectors = [p["spec"]["selector"]["matchLabels"] for p in by_kind["PodDisruptionBudget"]]
    assert any(sel.items() <= web_labels.items() for sel in pdb_selectors)
    target = by_kind["HorizontalPodAutoscaler"][0]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", "salonkeep-web")
    listed = yaml.safe_load((DEPLOY / "kubernetes" / "kustomization.yaml").read_text())["resources"]
    on_disk = {p.name for p in (DEPLOY / "kubernetes").glob("*.yaml")} - {"kustomization.yaml"}
    assert set(listed) == on_disk


def test_compose_runs_postgres_redis_migration_two_webs_and_two_workers():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "web", "worker"} <= set(services)
    assert services["migrate"]["command"] == ["migrate"]
    for role in ("web", "worker"):
        service = services[role]
        assert service["command"] == [role]
        assert service["deploy"]["replicas"] == 2
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["healthcheck"]["test"][-2:] == ["healthcheck", role]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (DEPLOY / services["web"]["build"]["context"] / "deploy" / "Dockerfile").exists()


def test_systemd_units_run_the_same_three_commands():
    units = {p.name: p.read_text() for p in (DEPLOY / "systemd").glob("*.service")}
    commands = " ".join(re.findall(r"^ExecStart=(.*)$", "\n".join(units.values()), re.M))
    for role in ("web", "worker", "migrate"):
        assert f"salonkeep {role}" in commands, role
    for text in units.values():
        assert re.search(r"^User=(?!root)", text, re.M)
