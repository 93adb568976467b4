using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Automation.Orders.Persistence.Migrations;

/// Word templates (a kind and the uploaded file on document_templates), each document's output format, and the PDF and
/// DOCX files of documents (document_files, bytes in the database).
[DbContext(typeof(StoreDb))]
[Migration("20261123000100_StoreDocumentFiles")]
public sealed class StoreDocumentFiles : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "Kind", table: "document_templates", nullable: false, defaultValue: "Html");
        migrationBuilder.AddColumn<string>(name: "FileName", table: "document_templates", nullable: true);
        migrationBuilder.AddColumn<byte[]>(name: "File", table: "document_templates", nullable: true);
        migrationBuilder.AddColumn<string>(name: "Output", table: "documents", nullable: false, defaultValue: "Html");
        migrationBuilder.CreateTable(
            name: "document_files",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                DocumentId = table.Column<long>(nullable: false),
                Format = table.Column<string>(nullable: false),
                FileName = table.Column<string>(nullable: false),
                ContentType = table.Column<string>(nullable: false),
                Content = table.Column<byte[]>(nullable: true),
                Status = table.Column<string>(nullable: false),
                Error = table.Column<string>(nullable: true),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
                ReadyAt = table.Column<DateTimeOffset>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_document_files", x => x.Id);
                table.ForeignKey("FK_document_files_documents_DocumentId", x => x.DocumentId, "documents", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_document_files_DocumentId_Format", "document_files", ["DocumentId", "Format"], unique: true);
        migrationBuilder.CreateIndex("IX_document_files_Status_Id", "document_files", ["Status", "Id"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("document_files");
        migrationBuilder.DropColumn(name: "Output", table: "documents");
        migrationBuilder.DropColumn(name: "File", table: "document_templates");
        migrationBuilder.DropColumn(name: "FileName", table: "document_templates");
        migrationBuilder.DropColumn(name: "Kind", table: "document_templates");
    }
}
