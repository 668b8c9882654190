package dev.ccp.cli;

import dev.ccp.cli.support.CcSubcommand;
import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** Prints the bash/zsh completion script picocli generates from the command tree, for both names. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a bash/zsh completion script for cc and ccp.",
                "bash: source <(bin/cc completion)   zsh: autoload -U +X bashcompinit && bashcompinit; source <(bin/cc completion)"})
public final class CompletionCommand extends CcSubcommand {
    public CompletionCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() {
        String script = AutoComplete.bash("cc", spec.root().commandLine());
        out().print(script);
        out().println("# bin/ccp is the same program");
        out().println("complete -F _complete_cc -o default ccp");
        return 0;
    }
}
