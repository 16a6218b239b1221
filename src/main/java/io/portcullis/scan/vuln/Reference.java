package io.portcullis.scan.vuln;

/** An OSV reference: {@code type} (ADVISORY, WEB, FIX, PACKAGE, ...) and {@code url}. */
public record Reference(String type, String url) {}
