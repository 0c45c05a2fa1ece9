"""The one config loader: YAML files with ``${VAR:default}`` substitution.

A service's config is ``deploy/config/suite.yaml`` (what every service shares: broker,
offices, auth) overlaid with ``deploy/config/<service>.yaml``.  ``VANPHONG_CONFIG_DIR``
points elsewhere.  Environment substitution is nameko's own YAML constructor, so the files
read the same under ``nameko run``.
"""
import copy
import os
from pathlib import Path

import yaml
from nameko.cli.main import setup_yaml_parser

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_DIR = REPO_ROOT / "deploy" / "config"
SERVICES = ("intake", "tasks", "evaluation", "notify")

setup_yaml_parser()


def config_dir():
    return Path(os.environ.get("VANPHONG_CONFIG_DIR", DEFAULT_CONFIG_DIR))


def read_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def merge(base, overlay):
    """Deep merge: dicts merge key by key, anything else in `overlay` wins."""
    result = copy.deepcopy(base)
    for key, value in (overlay or {}).items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def load_config(service=None, directory=None):
    directory = Path(directory) if directory else config_dir()
    config = read_yaml(directory / "suite.yaml")
    if service:
        service_file = directory / f"{service}.yaml"
        if service_file.exists():
            config = merge(config, read_yaml(service_file))
    return config


def amqp_uri(config):
    return config.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")


def offices(config):
    """Office code → name, as the deployment declares them."""
    return dict(config.get("OFFICES") or {})
