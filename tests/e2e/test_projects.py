"""Projects in Chromium against the production build: create, rename, visibility, archive, delete, tasks, roles."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.e2e_support import screenshot, sign_in


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def row(page: Page, name: str):
    return page.locator(f"[data-testid=project-row][data-name='{name}']")


def create_project(page: Page, name: str, description: str = "", private: bool = False) -> None:
    page.get_by_role("button", name="New project").click()
    page.get_by_label("Name").fill(name)
    if description:
        page.get_by_label("Description (optional)").fill(description)
    if private:
        page.get_by_role("radio", name="private").check()
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_text(f"Project “{name}” created.")).to_be_visible()
    expect(row(page, name)).to_be_visible()


def test_create_rename_archive_and_delete(page: Page, app_url, console) -> None:
    sign_in(page, app_url, "member@acme.test", next_path="/projects")
    expect(page.get_by_test_id("project-row").first).to_be_visible()
    name = unique("Roadmap")
    create_project(page, name, description="Plans for the next quarter.")
    expect(row(page, name)).to_contain_text("Shared")
    expect(row(page, name)).to_contain_text("Maya Member")
    screenshot(page, "projects-list")

    page.get_by_role("button", name=f"Actions for {name}").click()
    page.get_by_role("menuitem", name="Rename").click()
    renamed = unique("Roadmap v2")
    page.get_by_role("textbox", name="Name").fill(renamed)
    page.get_by_role("button", name="Save").click()
    expect(row(page, renamed)).to_be_visible()
    expect(row(page, name)).to_have_count(0)

    page.get_by_role("button", name=f"Actions for {renamed}").click()
    page.get_by_role("menuitem", name="Make private").click()
    expect(row(page, renamed)).to_contain_text("Private")

    page.get_by_placeholder("Search projects by name").fill(renamed[-6:])
    expect(page.get_by_test_id("project-row")).to_have_count(1)
    page.get_by_role("button", name=f"Actions for {renamed}").click()
    page.get_by_role("menuitem", name="Archive").click()
    expect(page.get_by_text("No matching projects")).to_be_visible()
    page.get_by_role("switch", name="Show archived").click()
    expect(row(page, renamed)).to_contain_text("Archived")
    page.get_by_role("button", name=f"Actions for {renamed}").click()
    page.get_by_role("menuitem", name="Unarchive").click()
    expect(row(page, renamed)).not_to_contain_text("Archived")

    page.get_by_role("button", name=f"Actions for {renamed}").click()
    page.get_by_role("menuitem", name="Delete").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("cannot be undone")
    screenshot(page, "projects-delete-confirm")
    page.get_by_role("button", name="Cancel").click()
    expect(row(page, renamed)).to_be_visible()
    page.get_by_role("button", name=f"Actions for {renamed}").click()
    page.get_by_role("menuitem", name="Delete").click()
    page.get_by_role("button", name="Delete project").click()
    expect(page.get_by_text(f"“{renamed}” deleted.")).to_be_visible()
    expect(row(page, renamed)).to_have_count(0)
    assert console.csp_violations == []


def test_project_page_lists_conversations_and_tasks(page: Page, app_url) -> None:
    sign_in(page, app_url, "member@acme.test", next_path="/projects")
    name = unique("Tasks")
    create_project(page, name)
    page.get_by_role("link", name=name).click()
    expect(page.get_by_test_id("project-name")).to_have_text(name)
    expect(page.get_by_text("No conversations yet")).to_be_visible()
    page.get_by_label("New task").fill("Draft the brief")
    page.get_by_role("button", name="Add").click()
    task = page.get_by_test_id("task-row")
    expect(task).to_contain_text("Draft the brief")
    page.get_by_label("Status of Draft the brief").click()
    page.get_by_role("option", name="Done").click()
    expect(page.get_by_label("Status of Draft the brief")).to_contain_text("Done")
    screenshot(page, "project-detail")
    page.reload()
    expect(page.get_by_label("Status of Draft the brief")).to_contain_text("Done")


def test_member_cannot_edit_someone_elses_project(page: Page, app_url) -> None:
    sign_in(page, app_url, "member@acme.test", next_path="/projects")
    theirs = row(page, "Q3 revenue analysis")  # created by the admin, shared
    expect(theirs).to_contain_text("Adam Admin")
    expect(theirs.get_by_role("button", name="Actions for Q3 revenue analysis")).to_have_count(0)
    mine = row(page, "Launch plan")
    expect(mine.get_by_role("button", name="Actions for Launch plan")).to_be_visible()
    expect(page.get_by_text("Board preparation")).to_have_count(0)  # the owner's private project


def test_viewer_cannot_create_projects(page: Page, app_url) -> None:
    sign_in(page, app_url, "viewer@acme.test", next_path="/projects")
    expect(row(page, "Launch plan")).to_be_visible()
    expect(page.get_by_role("button", name="New project")).to_have_count(0)
    expect(page.get_by_role("button", name="Actions for Launch plan")).to_have_count(0)
    page.get_by_role("link", name="Launch plan").click()
    expect(page.get_by_test_id("conversation-row").first).to_be_visible()
    expect(page.get_by_role("button", name="New conversation")).to_have_count(0)
    expect(page.get_by_label("New task")).to_have_count(0)
