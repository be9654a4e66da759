package io.cocoon.cli;

import io.cocoon.cli.args.Opt;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.GlobalOptions;
import io.cocoon.cli.support.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Man pages ({@code cocoon(8)}, {@code cocoon-<command>(8)}) and bash/zsh completion, generated
 * at build time from the CLI's own command and option table ({@link Commands},
 * {@link Command#options()}, {@link GlobalOptions#OPTS}), so they cannot drift from
 * {@code --help}: jlink/build-image.sh runs {@code java -m io.cocoon.cli/io.cocoon.cli.Docs <share>}.
 */
public final class Docs {
    private Docs() {}

    /** Writes {@code man/man8/*.8}, {@code bash-completion/completions/cocoon}, {@code zsh/vendor-completions/_cocoon}. */
    public static void main(String[] args) throws IOException {
        Path share = Path.of(args.length > 0 ? args[0] : ".");
        String date = args.length > 1 ? args[1] : java.time.LocalDate.now().toString();
        Path man = share.resolve("man/man8");
        Files.createDirectories(man);
        Files.writeString(man.resolve("cocoon.8"), manIndex(date));
        for (Command c : listed()) Files.writeString(man.resolve("cocoon-" + c.name() + ".8"), man(c, date));
        Path bash = share.resolve("bash-completion/completions");
        Files.createDirectories(bash);
        Files.writeString(bash.resolve("cocoon"), bash());
        Path zsh = share.resolve("zsh/vendor-completions");
        Files.createDirectories(zsh);
        Files.writeString(zsh.resolve("_cocoon"), zsh());
    }

    /** The commands {@code cocoon --help} lists, in its order. */
    static List<Command> listed() {
        List<Command> out = new ArrayList<>();
        for (String n : Commands.NAMES) {
            Command c = Commands.get(n);
            if (c.listed()) out.add(c);
        }
        return out;
    }

    private static String header(String name, String date) {
        return ".TH " + name.toUpperCase() + " 8 \"" + date + "\" \"cocoon " + Version.version() + "\" \"Cocoon Manual\"\n";
    }

    /** roff text: backslashes and dashes escaped, no line may start with a control character. */
    static String roff(String s) {
        String e = s.replace("\\", "\\e").replace("-", "\\-");
        return e.startsWith(".") || e.startsWith("'") ? "\\&" + e : e;
    }

    static String optNames(Opt o) {
        StringBuilder sb = new StringBuilder();
        for (String n : o.names()) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(n.length() == 1 ? "-" : "--").append(n);
        }
        return sb.toString();
    }

    private static void options(StringBuilder sb, List<Opt> opts) {
        for (Opt o : opts) {
            sb.append(".TP\n\\fB").append(roff(optNames(o))).append("\\fR").append(o.value() ? " \\fIvalue\\fR" : "").append('\n');
            sb.append(roff(o.help())).append('\n');
        }
    }

    static String manIndex(String date) {
        StringBuilder sb = new StringBuilder(header("cocoon", date));
        sb.append(".SH NAME\ncocoon \\- an OCI runtime that runs every container in its own lightweight VM\n");
        sb.append(".SH SYNOPSIS\n.B cocoon\n[global options] command [command options] [arguments...]\n");
        sb.append(".SH DESCRIPTION\nCocoon takes the same command line as runc, so podman, containerd, CRI\\-O and Docker\n"
                + "drive it unchanged; each container runs in a virtual machine of its own, and the containers\n"
                + "of a pod share one. Run \\fBcocoon doctor\\fR to check the host.\n");
        sb.append(".SH COMMANDS\n");
        for (Command c : listed()) {
            sb.append(".TP\n\\fBcocoon\\-").append(roff(c.name())).append("\\fR(8)\n").append(roff(c.summary())).append('\n');
        }
        sb.append(".SH GLOBAL OPTIONS\n");
        options(sb, GlobalOptions.OPTS);
        sb.append(".SH FILES\n.TP\n/etc/cocoon/vm.json, /etc/cocoon/hypervisor.args\nthe VM defaults (commented examples are installed)\n"
                + ".TP\n/usr/lib/cocoon/plugins\ndrop\\-in plugin jars and folders (\\fBcocoon plugins\\fR lists them)\n"
                + ".TP\n/run/cocoon\nthe default state root\n");
        sb.append(".SH SEE ALSO\n");
        List<String> refs = new ArrayList<>();
        for (Command c : listed()) refs.add(".BR cocoon\\-" + roff(c.name()) + " (8)");
        sb.append(String.join(",\n", refs)).append(",\n.BR runc (8)\n");
        return sb.toString();
    }

    static String man(Command c, String date) {
        String name = "cocoon-" + c.name();
        StringBuilder sb = new StringBuilder(header(name, date));
        sb.append(".SH NAME\n").append(roff(name)).append(" \\- ").append(roff(c.summary())).append('\n');
        sb.append(".SH SYNOPSIS\n.B cocoon ").append(roff(c.name())).append('\n')
                .append(c.options().isEmpty() ? "" : "[command options] ").append(roff(c.usage())).append('\n');
        sb.append(".SH DESCRIPTION\n").append(roff(c.summary())).append(".\n");
        if (!c.options().isEmpty()) {
            sb.append(".SH OPTIONS\n");
            options(sb, c.options());
        }
        sb.append(".SH SEE ALSO\n.BR cocoon (8)\n");
        return sb.toString();
    }

    private static String words(List<Opt> opts) {
        List<String> w = new ArrayList<>();
        for (Opt o : opts) for (String n : o.names()) w.add((n.length() == 1 ? "-" : "--") + n);
        return String.join(" ", w);
    }

    static String bash() {
        StringBuilder sb = new StringBuilder("# bash completion for cocoon, generated from its command table (io.cocoon.cli.Docs)\n");
        sb.append("_cocoon() {\n    local cur=\"${COMP_WORDS[COMP_CWORD]}\" cmd=\"\" opts i\n");
        sb.append("    for ((i = 1; i < COMP_CWORD; i++)); do\n        case \"${COMP_WORDS[i]}\" in\n");
        List<String> valued = new ArrayList<>();
        for (Opt o : GlobalOptions.OPTS) if (o.value()) for (String n : o.names()) valued.add("--" + n);
        sb.append("            ").append(String.join("|", valued)).append(") ((i++)) ;;\n");
        sb.append("            -*) ;;\n            *) cmd=\"${COMP_WORDS[i]}\"; break ;;\n        esac\n    done\n");
        List<String> names = listed().stream().map(Command::name).toList();
        sb.append("    if [[ -z $cmd ]]; then\n");
        sb.append("        if [[ $cur == -* ]]; then opts=\"").append(words(GlobalOptions.OPTS)).append("\"\n");
        sb.append("        else opts=\"").append(String.join(" ", names)).append("\"; fi\n");
        sb.append("        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n        return\n    fi\n");
        sb.append("    case \"$cmd\" in\n");
        for (Command c : listed()) {
            sb.append("        ").append(c.name()).append(") opts=\"").append(words(c.options())).append("\" ;;\n");
        }
        sb.append("        *) opts=\"\" ;;\n    esac\n");
        sb.append("    if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n");
        sb.append("    else\n        COMPREPLY=($(compgen -W \"$(cocoon list -q 2>/dev/null)\" -- \"$cur\"))\n    fi\n}\n");
        sb.append("complete -F _cocoon cocoon\n");
        return sb.toString();
    }

    private static String zq(String s) {
        return s.replace("'", "'\\''").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:");
    }

    static String zsh() {
        StringBuilder sb = new StringBuilder("#compdef cocoon\n# zsh completion for cocoon, generated from its command table (io.cocoon.cli.Docs)\n");
        sb.append("_cocoon() {\n    local -a commands\n    commands=(\n");
        for (Command c : listed()) sb.append("        '").append(c.name()).append(':').append(zq(c.summary())).append("'\n");
        sb.append("    )\n    local i cmd\n    for ((i = 2; i < CURRENT; i++)); do\n");
        sb.append("        [[ $words[i] != -* ]] && { cmd=$words[i]; break; }\n    done\n");
        sb.append("    if [[ -z $cmd ]]; then\n        _describe 'command' commands\n        return\n    fi\n");
        sb.append("    case $cmd in\n");
        for (Command c : listed()) {
            sb.append("        ").append(c.name()).append(") _arguments");
            for (Opt o : c.options()) {
                for (String n : o.names()) {
                    sb.append(" '").append(n.length() == 1 ? "-" : "--").append(n).append('[').append(zq(o.help())).append(']')
                            .append(o.value() ? ":value:" : "").append('\'');
                }
            }
            sb.append(" '*:container id:($(cocoon list -q 2>/dev/null))' ;;\n");
        }
        sb.append("    esac\n}\n_cocoon \"$@\"\n");
        return sb.toString();
    }
}
