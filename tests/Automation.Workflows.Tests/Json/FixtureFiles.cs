namespace Automation.Workflows.Tests.Json;

/// The workflow files under Fixtures/: ours (`elsa/`, written in our 2-space format) and real Elsa exports (`elsa-core/`).
public static class FixtureFiles
{
    public const string Ours = "elsa";
    public const string ElsaCore = "elsa-core";

    public static string Directory(string folder) => Path.Combine(AppContext.BaseDirectory, "Fixtures", folder);

    public static string Read(string folder, string name) => File.ReadAllText(Path.Combine(Directory(folder), name));

    /// (folder, file name) of every workflow fixture in a folder, for [MemberData].
    public static TheoryData<string, string> In(params string[] folders)
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in folders)
        {
            foreach (var file in System.IO.Directory.GetFiles(Directory(folder), "*.json").Order(StringComparer.Ordinal))
                data.Add(folder, Path.GetFileName(file));
        }
        return data;
    }
}
