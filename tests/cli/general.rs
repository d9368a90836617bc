//! The command line as a whole: help, version, usage errors, completions.

use crate::common::netkit;
use predicates::prelude::*;

#[test]
fn version_and_help_work() {
    netkit()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("netkit "));
    netkit()
        .args(["echo", "send", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--count"));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    netkit()
        .args(["daytime", "get", "--bogus"])
        .assert()
        .code(2);
}

#[test]
fn completions_print_a_script() {
    netkit()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("_netkit()"));
}
