#!/usr/bin/env node
// Runs the widget-migrate binary of the platform package npm installed for this
// machine (one of this package's optionalDependencies). Nothing is downloaded.
"use strict";

const { spawnSync } = require("child_process");
const path = require("path");

const PLATFORMS = {
  "linux-x64": "widget-migrate-linux-x64",
  "linux-arm64": "widget-migrate-linux-arm64",
  "darwin-x64": "widget-migrate-darwin-x64",
  "darwin-arm64": "widget-migrate-darwin-arm64",
  "win32-x64": "widget-migrate-win32-x64",
};

function binaryPath() {
  if (process.env.WIDGET_MIGRATE_BINARY) {
    return process.env.WIDGET_MIGRATE_BINARY;
  }
  const key = `${process.platform}-${process.arch}`;
  const pkg = PLATFORMS[key];
  if (!pkg) {
    fail(
      `widget-migrate has no prebuilt binary for ${key}; supported: ${Object.keys(PLATFORMS).join(", ")}.\n` +
        "Build it from source with `cargo install --path .` and set WIDGET_MIGRATE_BINARY to its path."
    );
  }
  const exe = process.platform === "win32" ? "widget-migrate.exe" : "widget-migrate";
  try {
    const manifest = require.resolve(`${pkg}/package.json`);
    return path.join(path.dirname(manifest), "bin", exe);
  } catch (e) {
    fail(
      `the package ${pkg} (the widget-migrate binary for ${key}) is not installed.\n` +
        "npm skips optional dependencies under --no-optional / --omit=optional, or when the\n" +
        "lock file was made on another platform: reinstall without those, or add " +
        `${pkg} explicitly.`
    );
  }
}

function fail(message) {
  process.stderr.write(`widget-migrate: error: ${message}\n`);
  process.exit(2);
}

const result = spawnSync(binaryPath(), process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  fail(`cannot run ${result.error.path || "the binary"}: ${result.error.message}`);
}
if (result.signal) {
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 2 : result.status);
