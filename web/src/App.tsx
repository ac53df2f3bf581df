/** Routes and resources. Every screen is a lazy chunk: the first load is the shell only. */
import { lazy } from 'react';
import { Admin, CustomRoutes, Resource } from 'react-admin';
import { QueryClient } from '@tanstack/react-query';
import { BrowserRouter, Route } from 'react-router-dom';
import { authProvider } from './api/authProvider';
import { dataProvider } from './api/dataProvider';
import { LoginPage } from './auth/LoginPage';
import { AppLayout } from './layout/AppLayout';
import { theme } from './layout/theme';

const Home = lazy(() => import('./layout/Home'));
const DocumentList = lazy(() => import('./documents/DocumentList'));
const DocumentEdit = lazy(() => import('./documents/DocumentEdit'));
const UploadPage = lazy(() => import('./documents/UploadPage'));
const JobList = lazy(() => import('./documents/JobList'));
const SearchPage = lazy(() => import('./search/SearchPage'));
const ReaderPage = lazy(() => import('./reader/ReaderPage'));
const CodebookPage = lazy(() => import('./codes/CodebookPage'));
const TheoryList = lazy(() => import('./theories/TheoryList'));
const TheoryCreate = lazy(() => import('./theories/TheoryCreate'));
const TheoryEdit = lazy(() => import('./theories/TheoryEdit'));
const CmocList = lazy(() => import('./cmocs/CmocList'));
const CmocCreate = lazy(() => import('./cmocs/CmocCreate'));
const CmocEdit = lazy(() => import('./cmocs/CmocEdit'));
const MatrixPage = lazy(() => import('./triangulation/MatrixPage'));
const AgreementPage = lazy(() => import('./agreement/AgreementPage'));
const ExportsPage = lazy(() => import('./exports/ExportsPage'));
const MemberList = lazy(() => import('./projects/MemberList'));

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 10_000 } },
});

export function App() {
  // Clean URLs (/read/12, /search?q=…): the backend serves index.html for any non-API path.
  return (
    <BrowserRouter>
    <Admin
      title="Evidence Workbench"
      dataProvider={dataProvider}
      authProvider={authProvider}
      queryClient={queryClient}
      loginPage={LoginPage}
      layout={AppLayout}
      theme={theme}
      dashboard={Home}
      requireAuth
      disableTelemetry
    >
      <Resource name="documents" list={DocumentList} edit={DocumentEdit} recordRepresentation="title" />
      <Resource name="jobs" list={JobList} options={{ label: 'Ingest jobs' }} />
      <Resource name="codes" list={CodebookPage} recordRepresentation="name" options={{ label: 'Codebook' }} />
      <Resource name="theories" list={TheoryList} create={TheoryCreate} edit={TheoryEdit} recordRepresentation="statement" />
      <Resource name="cmocs" list={CmocList} create={CmocCreate} edit={CmocEdit} recordRepresentation="title" options={{ label: 'CMOCs' }} />
      <Resource name="members" list={MemberList} recordRepresentation="name" />
      <Resource name="annotations" />
      <Resource name="projects" recordRepresentation="name" />
      <Resource name="saved-searches" />
      <CustomRoutes>
        <Route path="/search" element={<SearchPage />} />
        <Route path="/read/:documentId" element={<ReaderPage />} />
        <Route path="/upload" element={<UploadPage />} />
        <Route path="/triangulation" element={<MatrixPage />} />
        <Route path="/agreement" element={<AgreementPage />} />
        <Route path="/exports" element={<ExportsPage />} />
      </CustomRoutes>
    </Admin>
    </BrowserRouter>
  );
}
