package dev.ccp.cli.license;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.policy.license.LicenseKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code cc license keygen}: an operator's Ed25519 key pair; the private half is never printed. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Create an Ed25519 key pair for issuing licenses.",
                "Writes ~/.config/ccp/license-signing.key (owner-only, never printed) and license-signing.pub (trusted by this machine's 'cc license status').",
                "Prints where the files are and the public key to list under license_public_keys."})
public final class LicenseKeygenCommand extends CcSubcommand {
    @Option(names = "--force", description = "Replace an existing key pair (licenses it signed stop verifying).")
    boolean force;

    @Mixin
    JsonOption json;

    public LicenseKeygenCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws IOException {
        LicenseKeys.KeyFiles files = LicenseKeys.KeyFiles.in(ctx.paths().userConfigDir());
        KeyPair pair = LicenseKeys.generate();
        try {
            LicenseKeys.write(files, pair, force);
        } catch (FileAlreadyExistsException e) {
            throw CommandFailure.of("a signing key already exists at " + files.privateKey()
                    + " (use --force to replace it; licenses it signed would stop verifying)");
        }
        String publicKey = LicenseKeys.publicKeyBase64(pair.getPublic());
        String keyId = LicenseKeys.keyId(pair.getPublic());
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("private_key_file", files.privateKey().toString());
            doc.put("public_key_file", files.publicKey().toString());
            doc.put("public_key", publicKey);
            doc.put("key_id", keyId);
            Json.print(out(), doc);
        } else {
            out().println("private key: " + files.privateKey() + " (owner-only; keep it secret, it is never printed)");
            out().println("public key:  " + files.publicKey());
            out().println("key id:      " + keyId);
            out().println();
            out().println("To trust it on other machines, add to configs/providers.yaml or ~/.config/ccp/providers.yaml:");
            out().println("license_public_keys:");
            out().println("  - " + publicKey);
        }
        return 0;
    }
}
