package dev.ccp.cli.license;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.policy.license.License;
import dev.ccp.policy.license.LicenseDocument;
import dev.ccp.policy.license.LicenseKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** {@code cc license issue}: signs a license with the key of {@code cc license keygen}. */
@Command(name = "issue", mixinStandardHelpOptions = true,
        description = {"Sign a license with your key from 'cc license keygen'. Prints it, or writes it to --out.",
                "Install it as ~/.config/ccp/license.json (or point CCP_LICENSE_FILE at it)."})
public final class LicenseIssueCommand extends CcSubcommand {
    @Option(names = "--plan", required = true, paramLabel = "PLAN", description = "Plan name, e.g. pro.")
    String plan;

    @Option(names = "--features", split = ",", paramLabel = "FEATURE", description = "Comma-separated features, e.g. zai_offload.")
    List<String> features = new ArrayList<>();

    @Option(names = "--days", required = true, paramLabel = "N", description = "Valid for N days from now.")
    int days;

    @Option(names = "--holder", paramLabel = "NAME", description = "Who the license is for.")
    String holder;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the license here instead of printing it.")
    Path outFile;

    public LicenseIssueCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws IOException {
        if (days < 1 || days > 36_500) {
            throw CommandFailure.of("--days must be between 1 and 36500, not " + days);
        }
        LicenseKeys.KeyFiles files = LicenseKeys.KeyFiles.in(ctx.paths().userConfigDir());
        PrivateKey privateKey;
        PublicKey publicKey;
        try {
            privateKey = LicenseKeys.readPrivateKey(files.privateKey());
            publicKey = LicenseKeys.readPublicKey(files.publicKey());
        } catch (NoSuchFileException e) {
            throw CommandFailure.of("no signing key at " + e.getFile() + ": run 'cc license keygen' first");
        }
        Instant now = ctx.clock().instant().truncatedTo(ChronoUnit.SECONDS);
        License license;
        try {
            license = new License(plan, features.stream().map(String::strip).filter(f -> !f.isEmpty()).toList(),
                    holder, now, now.plus(Duration.ofDays(days)));
        } catch (IllegalArgumentException e) {
            throw CommandFailure.of(e.getMessage());
        }
        String document = LicenseDocument.sign(license, privateKey, publicKey);
        if (outFile == null) {
            out().print(document);
        } else {
            Path target = outFile.toAbsolutePath().normalize();
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            Files.writeString(target, document, StandardCharsets.UTF_8);
            out().println("wrote a " + plan + " license (features " + license.features() + ", expires "
                    + license.expiresAt() + ") to " + target);
        }
        return 0;
    }
}
