package io.portcullis.scan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.scan.inventory.ImageInventory;
import io.portcullis.scan.inventory.InstalledPackage;
import java.time.Instant;
import java.util.UUID;

/** Exports an image's bill of materials as CycloneDX 1.5 or SPDX 2.3 JSON. */
public final class SbomExporter {
  private final ObjectMapper json;

  public SbomExporter(ObjectMapper json) {
    this.json = json;
  }

  /** CycloneDX 1.5: the image as the described component, each package a library with its purl and layer. */
  public ObjectNode cycloneDx(String name, String digest, ImageInventory inventory, Instant now) {
    ObjectNode bom = json.createObjectNode();
    bom.put("bomFormat", "CycloneDX");
    bom.put("specVersion", "1.5");
    bom.put("serialNumber", "urn:uuid:" + UUID.nameUUIDFromBytes((name + "@" + digest).getBytes()));
    bom.put("version", 1);
    ObjectNode metadata = bom.putObject("metadata");
    metadata.put("timestamp", now.toString());
    metadata.putArray("tools").addObject().put("vendor", "Portcullis").put("name", "portcullis");
    ObjectNode subject = metadata.putObject("component");
    subject.put("type", "container");
    subject.put("name", name);
    subject.put("version", digest);
    subject.put("bom-ref", digest);
    ArrayNode components = bom.putArray("components");
    for (InstalledPackage p : inventory.packages()) {
      ObjectNode c = components.addObject();
      c.put("type", "library");
      c.put("bom-ref", ref(p));
      c.put("name", p.name());
      c.put("version", p.version());
      if (p.purl() != null) {
        c.put("purl", p.purl());
      }
      if (!p.licenses().isEmpty()) {
        ArrayNode licenses = c.putArray("licenses");
        p.licenses().forEach(l -> licenses.addObject().putObject("license").put(looksLikeSpdxId(l) ? "id" : "name", l));
      }
      ArrayNode properties = c.putArray("properties");
      properties.addObject().put("name", "portcullis:ecosystem").put("value", p.ecosystem());
      if (p.layerDigest() != null) {
        properties.addObject().put("name", "portcullis:layer").put("value", p.layerDigest());
      }
      if (p.path() != null) {
        properties.addObject().put("name", "portcullis:path").put("value", p.path());
      }
      if (!p.sourceName().equals(p.name())) {
        properties.addObject().put("name", "portcullis:source").put("value", p.sourceName() + " " + p.sourceVersion());
      }
    }
    return bom;
  }

  /** SPDX 2.3: one package per component, the image package describing the rest. */
  public ObjectNode spdx(String name, String digest, ImageInventory inventory, Instant now) {
    ObjectNode doc = json.createObjectNode();
    doc.put("spdxVersion", "SPDX-2.3");
    doc.put("dataLicense", "CC0-1.0");
    doc.put("SPDXID", "SPDXRef-DOCUMENT");
    doc.put("name", name + "@" + digest);
    doc.put("documentNamespace", "https://portcullis.invalid/spdx/" + UUID.nameUUIDFromBytes((name + "@" + digest).getBytes()));
    ObjectNode creation = doc.putObject("creationInfo");
    creation.put("created", now.toString());
    creation.putArray("creators").add("Tool: portcullis");
    ArrayNode packages = doc.putArray("packages");
    ObjectNode image = packages.addObject();
    image.put("SPDXID", "SPDXRef-Image");
    image.put("name", name);
    image.put("versionInfo", digest);
    image.put("downloadLocation", "NOASSERTION");
    image.put("primaryPackagePurpose", "CONTAINER");
    ArrayNode relationships = doc.putArray("relationships");
    relationships.addObject().put("spdxElementId", "SPDXRef-DOCUMENT").put("relationshipType", "DESCRIBES")
        .put("relatedSpdxElement", "SPDXRef-Image");
    int n = 0;
    for (InstalledPackage p : inventory.packages()) {
      String id = "SPDXRef-Package-" + (++n);
      ObjectNode pkg = packages.addObject();
      pkg.put("SPDXID", id);
      pkg.put("name", p.name());
      pkg.put("versionInfo", p.version());
      pkg.put("downloadLocation", "NOASSERTION");
      pkg.put("licenseDeclared", p.licenses().isEmpty() ? "NOASSERTION"
          : p.licenses().stream().allMatch(SbomExporter::looksLikeSpdxId) ? String.join(" AND ", p.licenses()) : "NOASSERTION");
      if (p.path() != null) {
        pkg.put("sourceInfo", "found in " + p.path() + (p.layerDigest() == null ? "" : " (layer " + p.layerDigest() + ")"));
      }
      if (p.purl() != null) {
        pkg.putArray("externalRefs").addObject().put("referenceCategory", "PACKAGE-MANAGER")
            .put("referenceType", "purl").put("referenceLocator", p.purl());
      }
      relationships.addObject().put("spdxElementId", "SPDXRef-Image").put("relationshipType", "CONTAINS")
          .put("relatedSpdxElement", id);
    }
    return doc;
  }

  private static String ref(InstalledPackage p) {
    return p.purl() != null ? p.purl() + "#" + p.path() : p.ecosystem() + "/" + p.name() + "@" + p.version() + "#" + p.path();
  }

  private static boolean looksLikeSpdxId(String license) {
    return !license.isEmpty() && license.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '+');
  }
}
