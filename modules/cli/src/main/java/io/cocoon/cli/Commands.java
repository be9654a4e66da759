package io.cocoon.cli;

import io.cocoon.cli.support.Command;

import io.cocoon.cli.command.CheckpointCommand;
import io.cocoon.cli.command.CreateCommand;
import io.cocoon.cli.command.DeleteCommand;
import io.cocoon.cli.command.DoctorCommand;
import io.cocoon.cli.command.EventsCommand;
import io.cocoon.cli.command.ExecCommand;
import io.cocoon.cli.command.ExecRelayCommand;
import io.cocoon.cli.command.FeaturesCommand;
import io.cocoon.cli.command.KillCommand;
import io.cocoon.cli.command.ListCommand;
import io.cocoon.cli.command.MonitorCommand;
import io.cocoon.cli.command.PauseCommand;
import io.cocoon.cli.command.PluginsCommand;
import io.cocoon.cli.command.PsCommand;
import io.cocoon.cli.command.RestoreCommand;
import io.cocoon.cli.command.ResumeCommand;
import io.cocoon.cli.command.RunCommand;
import io.cocoon.cli.command.SpecCommand;
import io.cocoon.cli.command.StartCommand;
import io.cocoon.cli.command.StateCommand;
import io.cocoon.cli.command.TemplateCommand;
import io.cocoon.cli.command.UpdateCommand;
import io.cocoon.cli.command.VersionCommand;
import java.util.List;

/**
 * Name to command. A switch rather than a table of instances, so that only the class of the
 * command being run is loaded.
 */
public final class Commands {
    public static final List<String> NAMES = List.of("checkpoint", "create", "delete", "doctor", "events", "exec",
            "features", "kill", "list", "pause", "plugins", "ps", "restore", "resume", "run", "spec", "start", "state",
            "template", "update", "version", "monitor", "exec-relay");

    private Commands() {}

    public static Command get(String name) {
        return switch (name) {
            case "checkpoint" -> new CheckpointCommand();
            case "create" -> new CreateCommand();
            case "delete" -> new DeleteCommand();
            case "doctor" -> new DoctorCommand();
            case "events" -> new EventsCommand();
            case "exec" -> new ExecCommand();
            case "features" -> new FeaturesCommand();
            case "kill" -> new KillCommand();
            case "list" -> new ListCommand();
            case "pause" -> new PauseCommand();
            case "plugins" -> new PluginsCommand();
            case "ps" -> new PsCommand();
            case "restore" -> new RestoreCommand();
            case "resume" -> new ResumeCommand();
            case "run" -> new RunCommand();
            case "spec" -> new SpecCommand();
            case "start" -> new StartCommand();
            case "state" -> new StateCommand();
            case "template" -> new TemplateCommand();
            case "update" -> new UpdateCommand();
            case "version" -> new VersionCommand();
            case "monitor" -> new MonitorCommand();
            case "exec-relay" -> new ExecRelayCommand();
            default -> null;
        };
    }
}
