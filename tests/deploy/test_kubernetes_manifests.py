"""The Kubernetes manifests (deploy/kubernetes), checked without a cluster.

Each overlay is rendered by kustomize (the upstream kubectl of the dev dependencies), every
object is validated against the schemas of the oldest Kubernetes release the manifests support
and of the newest one kubernetes-validate carries, checkov is run on the result, and the
properties the service relies on are asserted by name.
"""

from __future__ import annotations

import functools
import json
import os
import re
import secrets
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from api.__main__ import build_parser
from api.settings import Environment, Settings, production_gaps
from tests.deploy.discovery import discovery_server

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "kubernetes"
OVERLAYS = sorted(
    path.name for path in (DEPLOY / "overlays").iterdir() if (path / "kustomization.yaml").is_file()
)
SECRET_EXAMPLE = DEPLOY / "secret.example.yaml"
ROLLOUT = DEPLOY / "rollout.sh"
# CronJob.spec.timeZone is stable from 1.27, the restricted Pod Security Standard from 1.25; 1.30
# is the oldest release its project still supported when these manifests were written.
OLDEST_KUBERNETES = "1.30.0"
KUBERNETES_VERSIONS = (OLDEST_KUBERNETES, kubernetes_validate.latest_version())
# The image's user (Dockerfile: `useradd --system --uid 10001 ecuapass`).
IMAGE_UID = int(re.search(r"--uid (\d+)", (ROOT / "Dockerfile").read_text())[1])  # type: ignore[index]
ECUADOR = "America/Guayaquil"
COMPONENT = "app.kubernetes.io/component"

Manifest = dict[str, Any]


def kubectl() -> Path:
    return Path(sysconfig.get_path("scripts")) / "kubectl"


@functools.cache
def rendered(overlay: str) -> tuple[Manifest, ...]:
    output = subprocess.run(
        [kubectl(), "kustomize", DEPLOY / "overlays" / overlay],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return tuple(doc for doc in yaml.safe_load_all(output) if doc)


def secret_example() -> Manifest:
    manifest: Manifest = yaml.safe_load(SECRET_EXAMPLE.read_text())
    return manifest


def one(overlay: str, kind: str, name: str) -> Manifest:
    found = [m for m in rendered(overlay) if m["kind"] == kind and m["metadata"]["name"] == name]
    assert len(found) == 1, f"{overlay}: expected one {kind} {name}, found {len(found)}"
    return found[0]


def pod_spec(manifest: Manifest) -> Manifest:
    if manifest["kind"] == "CronJob":
        spec: Manifest = manifest["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        return spec
    template: Manifest = manifest["spec"]["template"]["spec"]
    return template


def workloads(overlay: str) -> Iterator[Manifest]:
    for manifest in rendered(overlay):
        if manifest["kind"] in {"Deployment", "Job", "CronJob"}:
            yield manifest


def container(manifest: Manifest) -> Manifest:
    containers = pod_spec(manifest)["containers"]
    assert len(containers) == 1
    only: Manifest = containers[0]
    return only


def env_value(manifest: Manifest, name: str) -> str | None:
    for variable in container(manifest).get("env", []):
        if variable["name"] == name:
            value: str | None = variable.get("value")
            return value
    return None


def config_map(overlay: str) -> dict[str, str]:
    maps = [m for m in rendered(overlay) if m["kind"] == "ConfigMap"]
    assert len(maps) == 1
    data: dict[str, str] = maps[0]["data"]
    return data


def test_there_is_a_staging_and_a_production_overlay() -> None:
    assert OVERLAYS == ["production", "staging"]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_object_is_valid_for_the_kubernetes_release(
    overlay: str, version: str
) -> None:
    kinds = set()
    for manifest in rendered(overlay):
        # strict: a misspelt or misplaced field is an error, not silently dropped by the server.
        kubernetes_validate.validate(manifest, version, strict=True)
        kinds.add(manifest["kind"])
    assert kinds == {
        "Namespace",
        "ServiceAccount",
        "ConfigMap",
        "Service",
        "Deployment",
        "Job",
        "CronJob",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "NetworkPolicy",
    }


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_the_secret_example_is_valid_and_commits_no_value(version: str) -> None:
    example = secret_example()
    kubernetes_validate.validate(example, version, strict=True)
    assert example["kind"] == "Secret"
    assert example["stringData"]
    assert all(value == "" for value in example["stringData"].values())


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_an_overlay_applies_no_secret_so_it_never_overwrites_the_real_one(overlay: str) -> None:
    assert not [m for m in rendered(overlay) if m["kind"] == "Secret"]
    names = {
        source["secretRef"]["name"]
        for manifest in workloads(overlay)
        for source in container(manifest).get("envFrom", [])
        if "secretRef" in source
    }
    assert names == {secret_example()["metadata"]["name"]}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_key_of_the_config_map_is_a_setting(overlay: str) -> None:
    settings = {name.upper() for name in Settings.model_fields}
    assert set(config_map(overlay)) <= settings
    assert set(secret_example()["stringData"]) <= settings


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_config_map_and_filled_secret_make_a_production_configuration(
    overlay: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    filled = {
        "DATABASE_URL": "postgresql+asyncpg://ecuapass:password@postgres:5432/ecuapass",
        "REDIS_URL": "redis://redis:6379/0",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "METRICS_TOKEN": secrets.token_urlsafe(24),
    }
    assert set(filled) == set(secret_example()["stringData"])
    for name, value in {**config_map(overlay), **filled}.items():
        monkeypatch.setenv(name, value)

    settings = Settings()

    assert settings.environment is Environment.PRODUCTION
    assert production_gaps(settings) == []
    assert (settings.host, settings.port) == ("0.0.0.0", 8000)  # noqa: S104 - inside the pod


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_api_is_ready_on_readyz_and_alive_on_healthz(overlay: str) -> None:
    api = container(one(overlay, "Deployment", "ecuapass-api"))
    port = {p["name"]: p["containerPort"] for p in api["ports"]}
    assert port == {"http": 8000}
    assert api["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert api["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert api["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    # /readyz waits up to 2 s for PostgreSQL and Redis: the probe must wait longer.
    assert api["readinessProbe"]["timeoutSeconds"] > 2


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_api_serves_without_relay_and_without_migrating(overlay: str) -> None:
    api = one(overlay, "Deployment", "ecuapass-api")
    assert container(api)["command"] == ["python", "-m", "api", "serve"]
    assert env_value(api, "RUN_RELAY") == "false"
    assert env_value(api, "AUTO_MIGRATE") == "false"
    assert config_map(overlay)["RUN_RELAY"] == "false"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_relay_is_a_deployment_of_its_own(overlay: str) -> None:
    relay = one(overlay, "Deployment", "ecuapass-relay")
    assert container(relay)["command"] == ["python", "-m", "api", "relay"]
    assert relay["spec"]["replicas"] >= 1


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_migration_job_migrates_with_the_database_url_alone(overlay: str) -> None:
    job = one(overlay, "Job", "ecuapass-migrate")
    migrate = container(job)
    assert migrate["command"] == ["python", "-m", "api", "migrate"]
    assert [variable["name"] for variable in migrate["env"]] == ["DATABASE_URL"]
    assert migrate["env"][0]["valueFrom"]["secretKeyRef"]["key"] == "DATABASE_URL"
    assert pod_spec(job)["restartPolicy"] == "Never"
    assert job["spec"]["activeDeadlineSeconds"] > 0


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_migration_job_carries_the_label_the_rollout_applies_first(overlay: str) -> None:
    first = [
        (m["kind"], m["metadata"]["name"])
        for m in rendered(overlay)
        if m["metadata"].get("labels", {}).get(COMPONENT) == "migration"
    ]
    assert first == [("Job", "ecuapass-migrate")]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_reminders_run_every_january_morning_on_ecuador_time(overlay: str) -> None:
    cron = one(overlay, "CronJob", "ecuapass-remind-annual-update")
    assert container(cron)["command"] == ["python", "-m", "api", "remind-annual-update"]
    minute, hour, day, month, weekday = cron["spec"]["schedule"].split()
    assert (minute, hour, day, month, weekday) == ("0", "8", "*", "1", "*")
    assert cron["spec"]["timeZone"] == ECUADOR
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_enforcement_runs_every_night_after_january_on_ecuador_time(overlay: str) -> None:
    """From 1 February to the end of the year: a reactivated operator's grace can end any day."""
    cron = one(overlay, "CronJob", "ecuapass-enforce-annual-update")
    assert container(cron)["command"] == ["python", "-m", "api", "enforce-annual-update"]
    minute, hour, day, month, weekday = cron["spec"]["schedule"].split()
    assert (day, month, weekday) == ("*", "2-12", "*")
    assert hour.isdigit()
    assert minute.isdigit()
    assert cron["spec"]["timeZone"] == ECUADOR
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"


def test_the_cronjobs_keep_the_schedule_the_readme_gives_for_cron() -> None:
    readme = (ROOT / "README.md").read_text()
    documented = dict(
        (command, schedule)
        for schedule, command in re.findall(
            r"^(\S+ \S+ \S+ \S+ \S+)\s+cd \S+ && python -m api (\S+)$", readme, re.MULTILINE
        )
    )
    scheduled = {
        container(m)["command"][3]: m["spec"]["schedule"]
        for m in rendered("production")
        if m["kind"] == "CronJob"
    }
    assert scheduled == documented


def test_staging_keeps_the_yearly_jobs_suspended_and_production_runs_them() -> None:
    for name in ("ecuapass-remind-annual-update", "ecuapass-enforce-annual-update"):
        assert one("staging", "CronJob", name)["spec"]["suspend"] is True
        assert one("production", "CronJob", name)["spec"].get("suspend", False) is False


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_command_is_one_the_command_line_knows(overlay: str) -> None:
    parser = build_parser()
    for manifest in workloads(overlay):
        command = container(manifest)["command"]
        assert command[:3] == ["python", "-m", "api"]
        parser.parse_args(command[3:])  # exits on an unknown command


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_meets_the_restricted_pod_security_standard(overlay: str) -> None:
    for manifest in workloads(overlay):
        where = f"{overlay}: {manifest['kind']} {manifest['metadata']['name']}"
        pod = pod_spec(manifest)
        assert pod["automountServiceAccountToken"] is False, where
        assert pod["securityContext"] == {
            "runAsNonRoot": True,
            "runAsUser": IMAGE_UID,
            "runAsGroup": IMAGE_UID,
            "seccompProfile": {"type": "RuntimeDefault"},
        }, where
        for each in pod["containers"]:
            assert each["securityContext"] == {
                "allowPrivilegeEscalation": False,
                "privileged": False,
                "readOnlyRootFilesystem": True,
                "runAsNonRoot": True,
                "capabilities": {"drop": ["ALL"]},
            }, where
            assert set(each["resources"]) == {"requests", "limits"}, where
            assert set(each["resources"]["limits"]) == {"cpu", "memory"}, where
            mounts = {m["mountPath"]: m["name"] for m in each["volumeMounts"]}
            volumes = {v["name"]: v for v in pod["volumes"]}
            assert "emptyDir" in volumes[mounts["/tmp"]], where
    namespace = one(overlay, "Namespace", f"ecuapass{'-staging' if overlay == 'staging' else ''}")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_lands_in_the_overlay_namespace(overlay: str) -> None:
    namespaces = {m["metadata"]["name"] for m in rendered(overlay) if m["kind"] == "Namespace"}
    assert len(namespaces) == 1
    for manifest in rendered(overlay):
        if manifest["kind"] != "Namespace":
            assert manifest["metadata"]["namespace"] in namespaces, manifest["metadata"]["name"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_workload_runs_one_image_pinned_by_tag_or_digest(overlay: str) -> None:
    images = {container(manifest)["image"] for manifest in workloads(overlay)}
    assert len(images) == 1
    (image,) = images
    assert re.fullmatch(r"[^:@]+(:[\w][\w.-]*|@sha256:[0-9a-f]{64})", image.split("/")[-1])
    assert not image.endswith(":latest")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_service_disruption_budget_and_autoscaler_all_point_at_the_api(overlay: str) -> None:
    api = one(overlay, "Deployment", "ecuapass-api")
    pod_labels = api["spec"]["template"]["metadata"]["labels"]
    assert "replicas" not in api["spec"]  # the autoscaler owns the count

    service = one(overlay, "Service", "ecuapass-api")
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert [p["targetPort"] for p in service["spec"]["ports"]] == ["http"]

    budget = one(overlay, "PodDisruptionBudget", "ecuapass-api")
    assert budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()

    autoscaler = one(overlay, "HorizontalPodAutoscaler", "ecuapass-api")
    assert autoscaler["apiVersion"] == "autoscaling/v2"
    assert autoscaler["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "ecuapass-api",
    }
    assert 1 <= autoscaler["spec"]["minReplicas"] <= autoscaler["spec"]["maxReplicas"]


# PostgreSQL's default max_connections, less its superuser_reserved_connections.
SERVER_CONNECTIONS = 100 - 3


def test_production_at_its_largest_fits_the_connections_of_a_default_postgresql() -> None:
    autoscaler = one("production", "HorizontalPodAutoscaler", "ecuapass-api")
    assert autoscaler["spec"]["minReplicas"] >= 3
    pool = int(config_map("production")["DATABASE_POOL_SIZE"])
    connections = autoscaler["spec"]["maxReplicas"] * pool
    relay = one("production", "Deployment", "ecuapass-relay")
    connections += relay["spec"]["replicas"] * int(env_value(relay, "DATABASE_POOL_SIZE") or pool)
    for cronjob in [m for m in rendered("production") if m["kind"] == "CronJob"]:
        # Forbid: one run of each at a time.
        connections += int(env_value(cronjob, "DATABASE_POOL_SIZE") or pool)
    assert connections <= SERVER_CONNECTIONS


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_api_port_is_open_to_other_pods(overlay: str) -> None:
    policies = [m for m in rendered(overlay) if m["kind"] == "NetworkPolicy"]
    deny = [p for p in policies if p["spec"]["podSelector"] == {}]
    assert len(deny) == 1
    assert "ingress" not in deny[0]["spec"]
    opened = [p for p in policies if p["spec"].get("ingress")]
    assert len(opened) == 1
    api_labels = one(overlay, "Deployment", "ecuapass-api")["spec"]["template"]["metadata"]
    assert opened[0]["spec"]["podSelector"]["matchLabels"].items() <= api_labels["labels"].items()
    assert opened[0]["spec"]["ingress"] == [{"ports": [{"port": "http", "protocol": "TCP"}]}]


def checkov_report(directory: Path) -> list[dict[str, Any]]:
    # --skip-download: no call to the vendor's platform (there is no network, and no API key).
    result = subprocess.run(
        [
            ROOT / "scripts" / "checkov.sh",
            "--directory",
            directory,
            "--framework",
            "kubernetes",
            "--skip-download",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report = json.loads(result.stdout)
    return report if isinstance(report, list) else [report]


def test_checkov_finds_nothing_that_is_not_explained(tmp_path: Path) -> None:
    for overlay in OVERLAYS:
        (tmp_path / f"{overlay}.yaml").write_text(yaml.safe_dump_all(rendered(overlay)))
    (tmp_path / SECRET_EXAMPLE.name).write_text(SECRET_EXAMPLE.read_text())

    (report,) = checkov_report(tmp_path)

    assert report["check_type"] == "kubernetes"
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["resource_count"] >= sum(len(rendered(o)) for o in OVERLAYS) + 1
    assert report["summary"]["passed"] > 0
    failed = [(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]]
    assert failed == []
    skipped = report["results"]["skipped_checks"]
    assert len(skipped) == report["summary"]["skipped"]
    for check in skipped:
        reason = check["check_result"].get("suppress_comment", "")
        assert len(reason.split()) >= 5, f"{check['check_id']} on {check['resource']}: {reason!r}"


FAKE_KUBECTL = """#!{python}
import json, os, sys
with open(os.environ["KUBECTL_CALLS"], "a") as calls:
    calls.write(json.dumps(sys.argv[1:]) + "\\n")
if sys.argv[1] == "get" and "jsonpath={{.items[0].metadata.namespace}}" in sys.argv[-1]:
    print("ecuapass")
elif sys.argv[1] == "get":
    print(os.environ["JOB_CONDITIONS"])
"""


def roll_out(tmp_path: Path, *, job_conditions: str) -> tuple[int, list[list[str]]]:
    fake = tmp_path / "kubectl"
    fake.write_text(FAKE_KUBECTL.format(python=sys.executable))
    fake.chmod(0o755)
    calls = tmp_path / "calls"
    overlay = str(DEPLOY / "overlays" / "production")
    result = subprocess.run(
        [ROLLOUT, overlay],
        env={
            **os.environ,
            "KUBECTL": str(fake),
            "KUBECTL_CALLS": str(calls),
            "JOB_CONDITIONS": job_conditions,
        },
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    recorded = [json.loads(line) for line in calls.read_text().splitlines()]
    return result.returncode, recorded


def test_the_rollout_migrates_first_and_applies_the_rest_once_the_job_completed(
    tmp_path: Path,
) -> None:
    status, calls = roll_out(tmp_path, job_conditions="SuccessCriteriaMet Complete")

    overlay = str(DEPLOY / "overlays" / "production")
    assert status == 0
    assert [call[0] for call in calls] == ["delete", "apply", "get", "apply"]
    assert calls[0][:5] == ["delete", "-k", overlay, "-l", f"{COMPONENT}=migration"]
    assert calls[1] == ["apply", "-k", overlay, "-l", f"{COMPONENT}=migration"]
    assert calls[3] == ["apply", "-k", overlay, "-l", f"{COMPONENT}!=migration"]


def test_the_rollout_stops_before_the_deployments_when_the_migration_failed(
    tmp_path: Path,
) -> None:
    status, calls = roll_out(tmp_path, job_conditions="FailureTarget Failed")

    assert status == 1
    applied = [call for call in calls if call[0] == "apply"]
    assert applied == [
        ["apply", "-k", str(DEPLOY / "overlays" / "production"), "-l", f"{COMPONENT}=migration"]
    ]
    assert any("logs" in call for call in calls)


@pytest.fixture(scope="module")
def api_server() -> Iterator[str]:
    with discovery_server() as url:
        yield url


def selected_by_kubectl(api_server: str, overlay: str, selector: str) -> list[str]:
    """What `kubectl apply -k OVERLAY -l SELECTOR` would send, as rollout.sh calls it."""
    return subprocess.run(
        [
            kubectl(),
            "--kubeconfig=/dev/null",
            f"--server={api_server}",
            "apply",
            "-k",
            DEPLOY / "overlays" / overlay,
            "-l",
            selector,
            "--dry-run=client",
            "--validate=false",
            "--output=name",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.split()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kubectl_applies_the_migration_job_alone_then_everything_else(
    api_server: str, overlay: str
) -> None:
    first = selected_by_kubectl(api_server, overlay, f"{COMPONENT}=migration")
    rest = selected_by_kubectl(api_server, overlay, f"{COMPONENT}!=migration")

    assert first == ["job.batch/ecuapass-migrate"]
    assert len(rest) == len(rendered(overlay)) - 1
    assert "job.batch/ecuapass-migrate" not in rest
    assert {"deployment.apps/ecuapass-api", "deployment.apps/ecuapass-relay"} <= set(rest)
