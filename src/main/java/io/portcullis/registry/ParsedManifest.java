package io.portcullis.registry;

import io.portcullis.shared.Digest;
import java.util.List;

/**
 * A manifest or index as the registry needs to know it: its identity, what it references and the
 * fields the referrers API reports.
 *
 * @param mediaType    the manifest's media type
 * @param digest       digest of the exact bytes
 * @param payload      the exact bytes, returned unchanged on pull
 * @param blobs        config and layers (empty for an index)
 * @param children     child manifests (empty for an image manifest)
 * @param subject      the manifest this one refers to, or null
 * @param artifactType the artifact type (or, for images without one, the config media type)
 * @param annotations  the manifest's annotations as JSON, or null
 */
public record ParsedManifest(
    String mediaType,
    Digest digest,
    byte[] payload,
    List<Descriptor> blobs,
    List<Descriptor> children,
    Descriptor subject,
    String artifactType,
    String annotations) {}
