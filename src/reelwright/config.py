"""One settings object for the server, the workers and the CLI (``REELWRIGHT_*`` variables)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REELWRIGHT_", extra="ignore")

    data_dir: Path = Field(default=Path("reelwright-data"), description="files, SQLite database, queue")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; SQLite in data_dir when unset"
    )
    queue_url: str | None = Field(default=None, description="redis://… to share the queue across machines")
    queue_name: str = Field(default="reelwright", description="queue name (Redis key prefix)")
    public_url: str = Field(default="http://127.0.0.1:8000", description="base of every URL handed out")
    url_allowlist: str = Field(
        default="",
        description="comma-separated hosts or CIDRs file URLs may reach, each as entry[:port|:*]; "
        "without a port only the scheme's (80, 443)",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=0, description="embedded workers in `serve` (0: none)")
    prerender_previews: bool = Field(
        default=True, description="`serve` draws missing presenter and style previews in the background"
    )
    max_concurrent_jobs: int = Field(default=10, ge=1, description="running or queued jobs per API key")
    link_ttl_seconds: int = Field(
        default=7 * 24 * 3600, ge=60, description="lifetime of signed download URLs"
    )
    stale_job_seconds: int = Field(default=120, ge=10, description="a job silent this long is run again")
    drain_seconds: float = Field(
        default=30.0,
        ge=0,
        description="on SIGTERM a worker lets its running job go on this long, then hands it back",
    )
    worker_health_port: int = Field(
        default=0, ge=0, le=65535, description="`worker` serves /healthz and /readyz here (0: off)"
    )
    worker_cpus: str | None = Field(
        default=None,
        description="`worker` runs on these cores only (0-1,3: taskset's list); unset: every core it may use",
    )
    fanout_min_scenes: int = Field(
        default=4,
        ge=2,
        description="a video of this many scenes or more renders scene by scene on many workers",
    )
    fanout_min_seconds: float = Field(
        default=60.0, ge=0, description="... and only when it lasts at least this long (seconds)"
    )
    fanout: bool = Field(default=True, description="render long videos scene by scene on many workers")
    fetch_timeout_seconds: float = Field(default=30.0, gt=0, description="whole-download limit per file URL")
    fetch_slots_per_key: int = Field(
        default=4, ge=1, description="requests downloading file URLs at once per API key; more get 429"
    )
    max_request_mb: int = Field(default=200, ge=1, description="largest request body (base64 files)")
    max_upload_mb: int = Field(default=32, ge=1, description="largest asset upload")
    # Every uploaded or fetched file is inspected (PDF text, media probing) in a child process under
    # these limits, so a hostile file costs at most this much and never the server itself.
    inspect_memory_mb: int = Field(default=1024, ge=64, description="memory one file's inspection may use")
    inspect_cpu_seconds: int = Field(default=30, ge=1, description="CPU time one file's inspection may use")
    inspect_wall_seconds: float = Field(default=60.0, gt=0, description="wall time of one inspection")
    inspect_concurrency: int = Field(default=2, ge=1, description="inspections at once per process")
    metrics_token: str | None = Field(
        default=None, description="when set, /metrics needs `Authorization: Bearer <token>`"
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, description="a 2xx within this counts")
    webhook_retry_seconds: float = Field(
        default=30.0, gt=0, description="first retry delay; doubles per attempt (capped at 1 h)"
    )
    webhook_retry_hours: float = Field(
        default=26.0, gt=0, description="how long undelivered events are retried"
    )
    planner: str | None = Field(
        default=None, description="a registered planner by name (`reelwright plugins`); unset: automatic"
    )
    blob_url: str | None = Field(
        default=None,
        description="where files live: s3://bucket/prefix, file:///shared/folder, or unset: data_dir/files",
    )
    blob_public: Literal["stream", "presigned"] = Field(
        default="stream",
        description="downloads: streamed through the API, or presigned URLs straight from the object store",
    )
    # The S3 store's connection; each unset one comes from the standard AWS variables
    # (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
    s3_endpoint_url: str | None = Field(default=None, description="e.g. http://127.0.0.1:9000 (MinIO)")
    s3_public_endpoint_url: str | None = Field(
        default=None, description="the store as clients reach it, for presigned URLs; unset: s3_endpoint_url"
    )
    s3_region: str | None = Field(default=None, description="the bucket's region")
    s3_access_key_id: str | None = Field(default=None, description="the S3 access key")
    s3_secret_access_key: SecretStr | None = Field(default=None, description="the S3 secret key")
    s3_addressing_style: Literal["auto", "path", "virtual"] = Field(
        default="auto", description="bucket in the path or the host name; auto: path with an endpoint"
    )
    # Retention (0: keep for ever). Deleting a row deletes its objects in the blob store too.
    video_retention_days: float = Field(default=0, ge=0, description="finished videos are deleted after this")
    input_retention_days: float = Field(
        default=0, ge=0, description="an idle chat session's input files are deleted after this"
    )
    upload_retention_days: float = Field(
        default=0, ge=0, description="uploaded assets that no brand kit uses are deleted after this"
    )
    # The language-model planner: any OpenAI-compatible chat API (OpenAI, Ollama, vLLM, llama.cpp's
    # server, LM Studio). Unset base URL: the offline planner writes every storyboard.
    llm_base_url: str | None = Field(default=None, description="e.g. http://127.0.0.1:11434/v1 (Ollama)")
    llm_api_key: str = Field(default="none", description="sent as a Bearer token; local servers ignore it")
    llm_model: str = Field(default="gpt-4o-mini", description="model name the server knows")
    llm_timeout_seconds: float = Field(default=90.0, gt=0, description="limit for one model call")
    llm_attempts: int = Field(default=3, ge=1, le=10, description="tries per call on timeouts, 429s, 5xx")
    llm_repairs: int = Field(default=2, ge=0, le=5, description="asks to fix invalid output before giving up")
    llm_backoff_seconds: float = Field(default=2.0, ge=0, description="first retry delay; doubles per try")
    llm_budget_seconds: float = Field(
        default=300.0, gt=0, description="all model calls of one planning step; then the offline planner"
    )

    # Voices beyond the built-in ones (decision 0008): Piper voices and Kokoro voice packs in a
    # folder, and any OpenAI-compatible speech API (OpenAI, Kokoro-FastAPI, LocalAI...).
    voices_dir: Path | None = Field(
        default=None, description="folder of your own voices: Piper .onnx + .onnx.json, Kokoro packs"
    )
    tts_base_url: str | None = Field(
        default=None, description="OpenAI-compatible speech API, e.g. http://127.0.0.1:8880/v1"
    )
    tts_api_key: str = Field(default="none", description="sent as a Bearer token; local servers ignore it")
    tts_model: str = Field(default="tts-1", description="model name the speech server knows")
    tts_voices: str = Field(
        default="", description='its voices as name:language:gender, comma-separated ("alloy:en:female")'
    )
    tts_timeout_seconds: float = Field(default=60.0, gt=0, description="limit for one speech request")
    tts_attempts: int = Field(default=3, ge=1, le=10, description="tries per sentence on timeouts, 429s, 5xx")
    tts_backoff_seconds: float = Field(default=1.0, ge=0, description="first retry delay; doubles per try")

    # One-click owner sign-in in the web app. Offered by default only when the server listens on
    # loopback and its public URL is a loopback one; "on" also offers it when the public URL is
    # not (a LAN name), still only to unproxied loopback requests; "off" never offers it.
    owner_signin: Literal["auto", "on", "off"] = Field(
        default="auto", description="one-click owner sign-in on this machine: auto, on or off"
    )
    partial_file_seconds: int = Field(
        default=900,
        ge=60,
        description="request files untouched this long, with no job or asset, are left from a crash",
    )

    @field_validator("url_allowlist")
    @classmethod
    def _allowlist_parses(cls, value: str) -> str:
        from reelwright.net.fetch import Allowlist  # fail at start, not on the first file URL

        Allowlist.parse(value)
        return value

    @cached_property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'reelwright.db').absolute()}"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def scratch_dir(self) -> Path:
        """This process's own working files: staged inputs, upload spools, renders in progress.
        Never shared between machines, and never where the local blob store keeps its files."""
        return self.data_dir / "scratch"

    @property
    def public_base(self) -> str:
        return self.public_url.rstrip("/")
