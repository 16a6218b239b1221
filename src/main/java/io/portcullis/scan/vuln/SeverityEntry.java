package io.portcullis.scan.vuln;

/**
 * An OSV {@code severity} entry.
 *
 * @param type  {@code CVSS_V2}, {@code CVSS_V3}, {@code CVSS_V4} or another scheme named by the source
 * @param score the vector string ({@code CVSS:3.1/AV:N/...}) or the source's score text
 */
public record SeverityEntry(String type, String score) {}
