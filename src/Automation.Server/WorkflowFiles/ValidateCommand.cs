using Automation.Rules.Rules;
using Automation.Server.Hosting;
using Automation.Workflows.Builtins;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;
using Automation.Workflows.Validation;

namespace Automation.Server.WorkflowFiles;

/// `Automation.Server validate [DIR] [--Key=Value …]`: the checks the server runs at start, for CI; one line per error
/// on stderr and exit code 1 when there is any. Settings that name an order status are checked against the files, forms
/// against the configuration (`Forms`), and employees, lists and document templates against the service's database
/// when it can be read (configured as for the server: appsettings.json, environment, or `--ConnectionStrings:Automation=…`);
/// without one those are not checked, and stdout says so.
public static class ValidateCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var home = AutomationHome.Find();
        var directory = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : Path.Combine(home, "workflows");
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(home, AutomationHome.SettingsFile), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray())
            .Build();
        var (references, notChecked) = WorkflowReferences.ForCommandLineAsync(configuration, home, CancellationToken.None).GetAwaiter().GetResult();
        var validator = new WorkflowValidator(
            ActivityRegistry.FromAssemblies(typeof(Start).Assembly, typeof(RuleActivity).Assembly), ExpressionEngine.CreateDefault());
        var errors = validator.ValidateDirectory(directory, references);
        if (notChecked is not null)
            stdout.WriteLine($"References to employees, lists and document templates were not checked: {notChecked}.");
        foreach (var error in errors) stderr.WriteLine(error);
        if (errors.Count > 0) return 1;
        var files = Directory.EnumerateFiles(directory, "*.json", SearchOption.TopDirectoryOnly).Count();
        stdout.WriteLine($"{files} workflow file(s) in {directory}: valid");
        return 0;
    }
}
