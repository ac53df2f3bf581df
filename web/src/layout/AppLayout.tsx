import type { ReactNode } from 'react';
import { useLocation } from 'react-router-dom';
import { AppBar, Layout, LoadingIndicator, TitlePortal, UserMenu, Logout, useGetIdentity } from 'react-admin';
import { ProjectSwitcher } from './ProjectSwitcher';
import { LiveIndicator } from './LiveIndicator';
import { LiveSync } from './LiveSync';
import { AppMenu } from './Menu';
import { ProjectGate } from './ProjectGate';
import { UndoHost } from '../common/UndoHost';

function AccountMenu() {
  const { identity } = useGetIdentity();
  // The button shows the user's name: its accessible name must say the same.
  return (
    <UserMenu label={identity?.fullName ?? 'Account'}>
      <Logout />
    </UserMenu>
  );
}

function TopBar() {
  return (
    <AppBar
      userMenu={<AccountMenu />}
      toolbar={
        <>
          <LiveIndicator />
          <ProjectSwitcher />
          <LoadingIndicator />
        </>
      }
    >
      <span className="ew-brand">Evidence Workbench</span>
      <TitlePortal component="h1" sx={{ fontSize: '1.1rem', fontWeight: 500 }} />
    </AppBar>
  );
}

/** The one screen that needs no current project: someone with none starts there. */
export const NEW_PROJECT_PATH = '/projects/new';

export function AppLayout({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  return (
    <Layout appBar={TopBar} menu={AppMenu}>
      {pathname === NEW_PROJECT_PATH ? (
        children
      ) : (
        <ProjectGate>
          <LiveSync />
          <UndoHost />
          {children}
        </ProjectGate>
      )}
    </Layout>
  );
}
