package io.portcullis.scan.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.layer.LayerEntry;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** npm, Python, Ruby, PHP and .NET metadata files. */
class LanguagePackagesTest {

  private static boolean wants(PackageAnalyzer analyzer, String path) {
    return analyzer.wants(new LayerEntry(path, 100, 0644));
  }

  @Test
  void npmInstalledPackageJson() throws IOException {
    NpmAnalyzer npm = new NpmAnalyzer();
    assertThat(wants(npm, "/app/node_modules/lodash/package.json")).isTrue();
    assertThat(wants(npm, "/app/node_modules/@babel/core/package.json")).isTrue();
    assertThat(wants(npm, "/app/node_modules/lodash/fp/package.json")).isFalse();
    assertThat(wants(npm, "/app/package.json")).isFalse();
    List<InstalledPackage> packages = Analyzers.packages(npm, "/app/node_modules/@babel/core/package.json",
        "{\"name\":\"@babel/core\",\"version\":\"7.22.5\",\"license\":\"MIT\"}");
    assertThat(packages).extracting(InstalledPackage::ecosystem, InstalledPackage::name, InstalledPackage::version,
            InstalledPackage::licenses, InstalledPackage::purl)
        .containsExactly(tuple("npm", "@babel/core", "7.22.5", List.of("MIT"), "pkg:npm/%40babel/core@7.22.5"));
  }

  @Test
  void npmLockfilesV1AndV3() throws IOException {
    NpmAnalyzer npm = new NpmAnalyzer();
    assertThat(wants(npm, "/app/node_modules/x/package-lock.json")).isFalse();
    List<InstalledPackage> v1 = Analyzers.packages(npm, "/app/package-lock.json", """
        {"lockfileVersion":1,"dependencies":{
          "express":{"version":"4.17.1","dependencies":{"debug":{"version":"2.6.9"}}},
          "jest":{"version":"29.0.0","dev":true},
          "mine":{"version":"github:me/mine#abc"}}}
        """);
    assertThat(v1).extracting(InstalledPackage::name, InstalledPackage::version)
        .containsExactly(tuple("express", "4.17.1"), tuple("debug", "2.6.9"));
    List<InstalledPackage> v3 = Analyzers.packages(npm, "/srv/package-lock.json", """
        {"lockfileVersion":3,"packages":{
          "":{"name":"root","version":"1.0.0"},
          "node_modules/express":{"version":"4.18.2","license":"MIT"},
          "node_modules/express/node_modules/debug":{"version":"2.6.9"},
          "node_modules/@types/node":{"version":"20.1.0","dev":true},
          "node_modules/alias":{"name":"real-name","version":"1.0.0"},
          "node_modules/linked":{"resolved":"../x","link":true}}}
        """);
    assertThat(v3).extracting(InstalledPackage::name, InstalledPackage::version, InstalledPackage::path)
        .containsExactly(tuple("express", "4.18.2", "/srv/package-lock.json"),
            tuple("debug", "2.6.9", "/srv/package-lock.json"), tuple("real-name", "1.0.0", "/srv/package-lock.json"));
  }

  @Test
  void npmMalformedJsonIsReported() {
    assertThatThrownBy(() -> Analyzers.packages(new NpmAnalyzer(), "/a/node_modules/x/package.json", "{\"name\":"))
        .isInstanceOf(MalformedContentException.class).hasMessageContaining("invalid JSON");
  }

  @Test
  void pythonDistInfoAndEggInfoWithNormalisedNames() throws IOException {
    PythonAnalyzer python = new PythonAnalyzer();
    List<InstalledPackage> wheel = Analyzers.packages(python,
        "/usr/lib/python3/site-packages/Zope.Interface-5.5.2.dist-info/METADATA", """
        Metadata-Version: 2.1
        Name: Zope.Interface
        Version: 5.5.2
        License: ZPL 2.1
        Classifier: License :: OSI Approved :: Zope Public License
        Classifier: Programming Language :: Python

        Long description. Name: not-a-header
        """);
    assertThat(wheel).extracting(InstalledPackage::ecosystem, InstalledPackage::name, InstalledPackage::version,
            InstalledPackage::licenses, InstalledPackage::purl)
        .containsExactly(tuple("PyPI", "zope-interface", "5.5.2", List.of("ZPL 2.1", "Zope Public License"),
            "pkg:pypi/zope-interface@5.5.2"));
    List<InstalledPackage> egg = Analyzers.packages(python, "/usr/lib/python3/dist-packages/six-1.16.0.egg-info",
        "Metadata-Version: 1.2\nName: six\nVersion: 1.16.0\nClassifier: License :: OSI Approved :: MIT License\n");
    assertThat(egg).extracting(InstalledPackage::name, InstalledPackage::licenses)
        .containsExactly(tuple("six", List.of("MIT")));
    assertThat(PythonAnalyzer.normalizeName("Foo__Bar..baz-Qux")).isEqualTo("foo-bar-baz-qux");
  }

  @Test
  void rubyGemspecs() throws IOException {
    RubyGemAnalyzer ruby = new RubyGemAnalyzer();
    assertThat(wants(ruby, "/usr/local/bundle/gems/rake-13.0.6/rake.gemspec")).isFalse();
    List<InstalledPackage> packages = Analyzers.packages(ruby,
        "/usr/local/lib/ruby/gems/3.2.0/specifications/rake-13.0.6.gemspec", """
        # -*- encoding: utf-8 -*-
        Gem::Specification.new do |s|
          s.name = "rake".freeze
          s.version = "13.0.6"
          s.required_rubygems_version = Gem::Requirement.new(">= 1.3.2".freeze) if s.respond_to? :required_rubygems_version=
          s.licenses = ["MIT".freeze]
        end
        """);
    assertThat(packages).extracting(InstalledPackage::ecosystem, InstalledPackage::name, InstalledPackage::version,
            InstalledPackage::licenses, InstalledPackage::purl)
        .containsExactly(tuple("RubyGems", "rake", "13.0.6", List.of("MIT"), "pkg:gem/rake@13.0.6"));
  }

  @Test
  void composerInstalledJsonV1AndV2() throws IOException {
    ComposerAnalyzer composer = new ComposerAnalyzer();
    String v1 = "[{\"name\":\"monolog/monolog\",\"version\":\"1.27.1\",\"license\":[\"MIT\"]}]";
    String v2 = "{\"packages\":[{\"name\":\"symfony/http-kernel\",\"version\":\"v5.4.20\","
        + "\"license\":[\"MIT\"]}],\"dev\":false}";
    assertThat(Analyzers.packages(composer, "/var/www/vendor/composer/installed.json", v1))
        .extracting(InstalledPackage::ecosystem, InstalledPackage::name, InstalledPackage::version,
            InstalledPackage::purl)
        .containsExactly(tuple("Packagist", "monolog/monolog", "1.27.1", "pkg:composer/monolog/monolog@1.27.1"));
    assertThat(Analyzers.packages(composer, "/var/www/vendor/composer/installed.json", v2))
        .extracting(InstalledPackage::name, InstalledPackage::version, InstalledPackage::licenses)
        .containsExactly(tuple("symfony/http-kernel", "5.4.20", List.of("MIT")));
  }

  @Test
  void dotnetDepsJson() throws IOException {
    List<InstalledPackage> packages = Analyzers.packages(new DotnetDepsAnalyzer(), "/app/MyApp.deps.json", """
        {"libraries":{
          "MyApp/1.0.0":{"type":"project"},
          "Newtonsoft.Json/13.0.1":{"type":"package","sha512":"x"},
          "System.Text.Json/6.0.0":{"type":"package"}}}
        """);
    assertThat(packages).extracting(InstalledPackage::ecosystem, InstalledPackage::name, InstalledPackage::version,
            InstalledPackage::purl)
        .containsExactly(tuple("NuGet", "Newtonsoft.Json", "13.0.1", "pkg:nuget/Newtonsoft.Json@13.0.1"),
            tuple("NuGet", "System.Text.Json", "6.0.0", "pkg:nuget/System.Text.Json@6.0.0"));
  }
}
