package dev.ccp.cli.license;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.Table;
import dev.ccp.policy.license.LicenseStatus;
import dev.ccp.policy.license.LicenseVerifier;
import dev.ccp.policy.license.Licenses;
import dev.ccp.policy.license.TrustedKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code cc license status}: which license is in force, or why community mode. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the license in force and whether it verifies.",
                "The license is CCP_LICENSE_FILE or ~/.config/ccp/license.json, checked against the merged catalog's license_public_keys (see 'cc providers') and your own key from",
                "'cc license keygen'. Exit status 0 with a valid license, 1 in community mode."})
public final class LicenseStatusCommand extends CcSubcommand {
    @Mixin
    JsonOption json;

    public LicenseStatusCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() {
        TrustedKeys keys = TrustedKeys.forOperator(ctx.env(), ctx.paths());
        Path file = Licenses.licenseFile(ctx.env(), ctx.paths());
        LicenseStatus status = new LicenseVerifier(keys, ctx.clock()).verify(file);
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("ok", status.ok());
            doc.put("plan", status.plan());
            doc.put("features", status.features());
            doc.put("holder", status.holder());
            doc.put("expires_at", status.expiresAt() == null ? null : status.expiresAt().toString());
            doc.put("reason", status.reason());
            doc.put("file", file.toString());
            doc.put("key_id", status.keyId());
            doc.put("trusted_keys", keys.sources());
            doc.put("problems", keys.problems());
            Json.print(out(), doc);
        } else {
            out().println(status.logLine());
            Table t = new Table("FIELD", "VALUE");
            t.row("mode", status.ok() ? "licensed" : "community");
            t.row("plan", status.plan());
            t.row("features", status.features().isEmpty() ? "none" : String.join(", ", status.features()));
            t.row("holder", status.holder());
            t.row("expires_at", status.expiresAt());
            t.row("file", file);
            t.row("signed_by", status.keyId());
            t.row("trusted_keys", keys.keys().isEmpty() ? "none" : String.join(", ", keys.keys().keySet()));
            if (!status.ok()) {
                t.row("reason", status.reason());
            }
            t.print(out());
            keys.problems().forEach(p -> err().println("warning: " + p));
        }
        return status.ok() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }
}
