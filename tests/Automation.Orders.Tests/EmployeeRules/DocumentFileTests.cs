using Automation.Orders.Documents;
using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.EmployeeRules;

public sealed class DocumentFileTests
{
    [Fact]
    public void Placeholder_split_across_runs_is_gathered_into_the_run_where_it_starts()
    {
        var parts = new[] { "Order {", "{ Order.Nu", "mber }", "} for {{ Order.Client.Name }} ", "{{", " Document.Number }}!" };

        var gathered = DocxTemplate.Gathered(parts, string.Concat(parts));

        Assert.Equal(["Order {{ Order.Number }}", "", "", " for {{ Order.Client.Name }} ", "{{ Document.Number }}", "!"], gathered);
    }

    [Fact]
    public void Unclosed_placeholder_and_plain_braces_stay_where_they_are()
    {
        var parts = new[] { "a { b } {", "{ never closed" };

        Assert.Equal(parts, DocxTemplate.Gathered(parts, string.Concat(parts)));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Pdf_document_waits_as_pending_until_printed_then_raises_document_converted_with_its_wait_key(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var documents = new CrmDocuments(db, store.Clock);
        var template = await documents.CreateTemplateAsync(new NewDocumentTemplate("Invoice", "<p>x</p>"), CancellationToken.None);
        var (document, file) = await documents.CreateAsync(new NewCrmDocument(order.Id, template.Id) { Output = DocumentOutput.Pdf },
            (body, _, _) => Task.FromResult(body), CancellationToken.None);
        Assert.Equal((DocumentFileStatus.Pending, "Invoice 1.pdf"), (file!.Status, file.FileName));

        var pdfs = new DocumentPdfs(store.Db(), store.Clock);
        var pending = Assert.Single(await pdfs.PendingAsync(10, CancellationToken.None));
        Assert.Equal((document.Id, order.Id, "<p>x</p>"), (pending.DocumentId, pending.OrderId, pending.Html));
        Assert.True(await pdfs.PrintedAsync(pending, "%PDF-1.4 test"u8.ToArray(), CancellationToken.None));
        Assert.False(await new DocumentPdfs(store.Db(), store.Clock).PrintedAsync(pending, "%PDF-1.4 again"u8.ToArray(), CancellationToken.None));

        await using var check = store.Db();
        Assert.Empty(await new DocumentPdfs(check, store.Clock).PendingAsync(10, CancellationToken.None));
        var saved = await new CrmDocuments(check, store.Clock).GetFileAsync(document.Id, DocumentOutput.Pdf, CancellationToken.None);
        Assert.Equal((DocumentFileStatus.Ready, "%PDF-1.4 test"), (saved.Status, System.Text.Encoding.ASCII.GetString(saved.Content!)));
        var converted = Assert.Single(await check.InboxEvents.Where(e => e.Type == EventTypes.DocumentConverted).ToListAsync());
        Assert.Contains($"\"waitKey\":\"document:{document.Id}:pdf\"", converted.Data);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Output_that_does_not_fit_the_template_is_refused_naming_the_template(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var documents = new CrmDocuments(db, store.Clock);
        var template = await documents.CreateTemplateAsync(new NewDocumentTemplate("Invoice", "<p>x</p>"), CancellationToken.None);

        var error = await Assert.ThrowsAsync<DomainException>(() => documents.CreateAsync(new NewCrmDocument(order.Id, template.Id) { Output = DocumentOutput.Docx },
            (body, _, _) => Task.FromResult(body), CancellationToken.None));

        Assert.Equal("invalid_output", error.Code);
        Assert.Contains("'Invoice' is HTML", error.Message);
        Assert.Equal(0, await store.Db().CrmDocuments.CountAsync());
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Word_template_that_is_not_a_docx_is_refused_naming_the_file(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();

        var error = await Assert.ThrowsAsync<DomainException>(() => new CrmDocuments(db, store.Clock).CreateDocxTemplateAsync(
            new NewDocxTemplate("Contract", "contract.docx", "just some text"u8.ToArray()), CancellationToken.None));

        Assert.Equal("invalid_file", error.Code);
        Assert.Contains("'contract.docx' is not a Word document (.docx)", error.Message);
        Assert.Equal(0, await store.Db().DocumentTemplates.CountAsync());
    }
}
