package dev.ccp.archtest;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The module rules of docs/ARCHITECTURE.md, checked over the compiled classes of every module (main
 * and test). ArchUnit rather than Maven Enforcer's bannedDependencies: Enforcer sees only what a pom
 * declares, so an import reaching a class through a transitive dependency, or a test class, or SQL
 * text written outside the read model, would pass it; these checks read the class files themselves.
 */
class ModuleRulesTest {
    private static final Path ROOT = root();
    private static final Pattern SQL = Pattern.compile(
            "\\b(SELECT\\s[\\s\\S]*\\bFROM\\b|INSERT\\s+(OR\\s+\\w+\\s+)?INTO\\b|CREATE\\s+(TABLE|INDEX|UNIQUE INDEX)\\b"
                    + "|UPDATE\\s+\\w+\\s+SET\\b|DELETE\\s+FROM\\b|DROP\\s+TABLE\\b|ALTER\\s+TABLE\\b)");

    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("events/pom.xml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the checkout above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** A module's classes; {@code tests} adds its test classes. */
    private static JavaClasses classes(String module, boolean tests) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(ROOT.resolve(module).resolve("target/classes"));
        if (tests) {
            dirs.add(ROOT.resolve(module).resolve("target/test-classes"));
        }
        List<Path> present = dirs.stream().filter(Files::isDirectory).toList();
        assertFalse(present.isEmpty(), module + " is not compiled: build the reactor (make test) before this module");
        return new ClassFileImporter().importPaths(present);
    }

    private static void check(ArchRule rule, String module) {
        rule.check(classes(module, true));
    }

    @Test
    void theCliLinksNoProxyOrProjectorCode() {
        check(noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.ccp.proxy..", "dev.ccp.projector..")
                .because("the cli reads the read model, talks to the running proxy over HTTP and runs bin/ccp-projector for catch-ups"), "cli");
    }

    @Test
    void theProjectorLinksNoProxyCode() {
        check(noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.ccp.proxy..", "dev.ccp.cli..")
                .because("the projector knows the proxy only through the event log"), "projector");
    }

    @Test
    void theProxyLinksNoProjectorOrCliCode() {
        check(noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.ccp.projector..", "dev.ccp.cli..")
                .because("the proxy reads projections through the read model, and its tests start the projector as a process"), "proxy");
    }

    @Test
    void theEventsModuleIsTheLogContractAlone() {
        check(noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "dev.ccp.policy..", "dev.ccp.readmodel..", "dev.ccp.proxy..", "dev.ccp.projector..", "dev.ccp.cli..", "dev.ccp.testkit..")
                .because("the event log is the contract every process shares; it depends on nothing of ours"), "events");
    }

    @Test
    void policyHasNoWebServerAndNoProcessCode() {
        check(noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "dev.ccp.proxy..", "dev.ccp.projector..", "dev.ccp.cli..", "dev.ccp.readmodel..", "io.helidon..")
                .because("policy is what the proxy and the cli both need: catalog, license, quota configuration"), "policy");
    }

    @Test
    void theReadModelDependsOnTheLogContractAndTheQuotaReaderOnly() {
        check(noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "dev.ccp.proxy..", "dev.ccp.projector..", "dev.ccp.cli..", "io.helidon..")
                .because("the read model is the second shared contract: its writer and its readers depend on it, not it on them"), "readmodel");
        check(noClasses().that().doNotHaveFullyQualifiedName("dev.ccp.readmodel.ReadModelQuotaUsage")
                .should().dependOnClassesThat().resideInAPackage("dev.ccp.policy..")
                .because("only the quota reader's source joins the read model to policy, so the proxy and the cli share it"), "readmodel");
        check(noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.ccp.policy.catalog..",
                        "dev.ccp.policy.license..", "dev.ccp.policy.price..", "dev.ccp.policy.ca..", "dev.ccp.policy.yaml..")
                .because("what the read model shares with policy is the quota reader, nothing of the configuration"), "readmodel");
    }

    @Test
    void theTestkitHoldsNoProcessCode() {
        check(noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.ccp.proxy..", "dev.ccp.projector..", "dev.ccp.cli..")
                .because("cli tests use the testkit and must not link proxy or projector code through it"), "testkit");
    }

    @Test
    void theShipperLinksTheLogContractAlone() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "dev.ccp.policy..", "dev.ccp.readmodel..", "dev.ccp.proxy..", "dev.ccp.projector..", "dev.ccp.cli..")
                .because("the shipper copies the event log to Kafka; its tests alone start projectors to compare")
                .check(classes("ship", false));
    }

    @Test
    void theDevelopmentBrokerLinksNothingOfOurs() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.ccp.events..", "dev.ccp.policy..",
                        "dev.ccp.readmodel..", "dev.ccp.proxy..", "dev.ccp.projector..", "dev.ccp.cli..", "dev.ccp.ship..")
                .because("kafka-dev is a stock Kafka broker for tests and trying team mode")
                .check(classes("kafka-dev", true));
    }

    @Test
    void noSqlTextOutsideTheReadModel() throws IOException {
        List<String> found = new ArrayList<>();
        for (String module : List.of("events", "policy", "proxy", "projector", "cli", "testkit", "ship", "kafka-dev")) {
            Path dir = ROOT.resolve(module).resolve("target/classes");
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    for (String s : strings(f)) {
                        if (SQL.matcher(s).find()) {
                            found.add(ROOT.relativize(f) + ": " + s.replaceAll("\\s+", " "));
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found, "SQL text belongs in dev.ccp.readmodel (schema, migrations, typed queries)");
    }

    /** The string constants of a class file (its constant pool's CONSTANT_String entries, concatenation recipes included). */
    static List<String> strings(Path classFile) throws IOException {
        try (InputStream in = Files.newInputStream(classFile); DataInputStream d = new DataInputStream(in)) {
            d.readInt();
            d.readUnsignedShort();
            d.readUnsignedShort();
            int count = d.readUnsignedShort();
            String[] utf8 = new String[count];
            List<Integer> stringRefs = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = d.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = d.readUTF();
                    case 8 -> stringRefs.add(d.readUnsignedShort());
                    case 7, 16, 19, 20 -> d.readUnsignedShort();
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> d.readInt();
                    case 5, 6 -> {
                        d.readLong();
                        i++;
                    }
                    case 15 -> {
                        d.readUnsignedByte();
                        d.readUnsignedShort();
                    }
                    default -> throw new IOException("unknown constant pool tag " + tag + " in " + classFile);
                }
            }
            List<String> out = new ArrayList<>();
            for (int ref : stringRefs) {
                if (utf8[ref] != null) {
                    out.add(utf8[ref]);
                }
            }
            return out;
        }
    }
}
