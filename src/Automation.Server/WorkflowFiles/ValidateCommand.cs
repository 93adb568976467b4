using Automation.Rules.Rules;
using Automation.Server.Hosting;
using Automation.Workflows.Builtins;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;
using Automation.Workflows.Validation;

namespace Automation.Server.WorkflowFiles;

/// `Automation.Server validate [DIR]`: the checks the server runs at start, for CI; one line per error on stderr and
/// exit code 1 when there is any.
public static class ValidateCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var directory = args.Length > 0 ? args[0] : Path.Combine(AutomationHome.Find(), "workflows");
        var validator = new WorkflowValidator(
            ActivityRegistry.FromAssemblies(typeof(Start).Assembly, typeof(RuleActivity).Assembly), ExpressionEngine.CreateDefault());
        var errors = validator.ValidateDirectory(directory);
        foreach (var error in errors) stderr.WriteLine(error);
        if (errors.Count > 0) return 1;
        var files = Directory.EnumerateFiles(directory, "*.json", SearchOption.TopDirectoryOnly).Count();
        stdout.WriteLine($"{files} workflow file(s) in {directory}: valid");
        return 0;
    }
}
